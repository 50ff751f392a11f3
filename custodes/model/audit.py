"""The node types only ``custodes audit`` adds to a graph.

The live sources write them (a call the audit could not make, a declared resource that
drifted) and the audit rules judge them; both read the type tokens from here, so a rule
never imports a source.
"""

from __future__ import annotations

from typing import Final

READ_GAP: Final = "custodes:audit:ReadGap"
"""A read the audit could not make: what it names went unjudged."""
DRIFT: Final = "custodes:audit:Drift"
"""A declared resource whose live custody differs from the declared one (or is gone)."""
AUDIT_TYPES: Final = (READ_GAP, DRIFT)
