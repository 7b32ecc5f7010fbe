"""repmon: listen where customers complain, rank what matters, answer it from the contact center."""

from __future__ import annotations

__version__ = "0.1.0"
