"""The CrossGuard pack: custodes' rule catalogue where users deploy.

``pulumi preview --policy-pack <custodes>/policies`` (and ``pulumi up``) start
``policies/__main__.py``, which calls :func:`serve`. Construction and serving
are apart: :func:`policies` builds the ``pulumi_policy`` policies (one per
rule, usable in a pack of one's own), :func:`start` starts the analyzer that
serves them and returns its port, :func:`serve` prints the port and blocks as
the Pulumi CLI expects. :mod:`custodes.crossguard.host` drives a pack the way
the engine does, for tests and benchmarks.
"""

from __future__ import annotations

import json

from custodes.crossguard.analyzer import Analyzer, serve, start
from custodes.crossguard.policies import (
    PACK_NAME,
    UNRESOLVED_PREFIX,
    pack_rules,
    policies,
    policy,
)

__all__ = [
    "PACK_NAME",
    "UNRESOLVED_PREFIX",
    "Analyzer",
    "pack_rules",
    "policies",
    "policy",
    "serve",
    "start",
    "strict_config_text",
]


def strict_config_text() -> str:
    """``policies/strict.json``: the strict profile as a ``--policy-pack-config`` file."""
    from custodes.config import strict_policy_pack_config

    return json.dumps(strict_policy_pack_config(), indent=2, sort_keys=True) + "\n"
