"""Imported by the forkserver of `tieup ingest --workers N` (services/backfill.py), and only there.

Importing it loads what extraction and the work done ahead load on first use (the
language model, about 0.6 s of CPU; the classifier's lexicons, about 0.5 s), so every
extraction process forked from the server starts with them, sharing their memory.
"""

from ..stages.backfill import warm_up

warm_up()
