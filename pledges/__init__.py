"""The pledge ledger: models, database, queries and figures.

This layer imports neither ``pledges.workflows`` nor ``pledges.cli``, and never click or rich.
"""

__version__ = "0.1.0"
