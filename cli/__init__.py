"""The ``pledges`` command: click commands and rich rendering, nothing else.

Each command parses its options, calls one function of the ledger or the workflows, and
renders what it returns.  Heavy modules (SQLModel, rich) are imported inside the commands so
that ``pledges --help`` starts fast."""
