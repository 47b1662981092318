"""The benchmark harness of SPEC §7: the ledger's figures against Taskwarrior and plain SQL.

Not part of the installed package and not run by ``make test``; ``make bench`` runs it.
"""
