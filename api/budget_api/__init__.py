"""Budget API: a compact Flask 3 budget tracker (see api/README.md)."""
__version__ = "1.0.0"

from .app import create_app  # noqa: E402,F401

