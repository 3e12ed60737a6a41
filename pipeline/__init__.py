"""tieup: auto-industry alliance news, from feeds to reviewed records in PostgreSQL."""

__version__ = "0.1.0"
