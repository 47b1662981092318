"""What moves pledges: the lifecycle state machine, (later) reminder rules and the scheduler.

Imports ``pledges`` (the ledger), never ``pledges.cli``.
"""
