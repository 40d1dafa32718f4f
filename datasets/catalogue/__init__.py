"""The portal's indicator catalogue (indicators.py) and the import specifications of the
shipped files (specs.py).

This is the starting catalogue; national staff edit indicators afterwards (the loader only
creates what is missing and never overwrites an edited indicator).
"""

from __future__ import annotations

from .indicators import DERIVED, INDICATORS
from .specs import SPECS

__all__ = ["DERIVED", "INDICATORS", "SPECS"]
