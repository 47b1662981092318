"""The benchmark harness of docs/performance.md: the ledger's figures against Taskwarrior and plain SQL.

Not part of the installed package and not run by ``make test``; ``make bench`` runs it.
"""
