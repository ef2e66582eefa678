"""tierwise: score, tier and explain target accounts for account-based marketing."""

from tierwise.errors import ModelError, SourceError, TierwiseError

__all__ = ["ModelError", "SourceError", "TierwiseError", "__version__"]

__version__ = "0.1.0"
