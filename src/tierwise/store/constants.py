"""The store's plain values that code needs before, or without, opening one.

This module imports nothing, so the command line can name the store's
environment variable in its help, or the absent row of a tier matrix,
without loading SQLAlchemy and Alembic.
"""

__all__ = ["ABSENT", "DATABASE_ENV", "DEFAULT_DATABASE_URL"]

DATABASE_ENV = "TIERWISE_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///tierwise.db"

# The row or column of accounts that one of the two compared runs did not hold.
ABSENT = "(absent)"
