"""SCS Victims core: records, repeat rules, figures, imports and exports (no Qt here)."""

from __future__ import annotations

__version__ = "0.1.0"
