"""Rebuild the machine-type catalogue from the clouds' own APIs (``custodes catalog refresh``).

The live-readable sections are replaced — ``aws.instance_types`` (vCPUs,
architecture, SEV-SNP and Nitro Enclaves support per type), ``azure.sizes``
(vCPUs and confidential VM technology per size, from resource SKU
capabilities) and ``gcp.machine_types`` (the live machine types of each
technology's series) — and the documented tables (families, series, CPU
platforms) are kept, so every lookup in :mod:`custodes.catalog` answers from
the fresher data first and falls back to the tables.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any


def refreshed(
    bundled: Mapping[str, Any],
    *,
    date: str,
    aws_instance_types: Mapping[str, Mapping[str, Any]] | None = None,
    azure_sizes: Mapping[str, Mapping[str, Any]] | None = None,
    gcp_machine_types: Mapping[str, Sequence[str]] | None = None,
    sources: Sequence[str] = (),
) -> dict[str, Any]:
    """The catalogue ``bundled`` with the given live sections, its date and sources."""
    document = copy.deepcopy(dict(bundled))
    document["date"] = date
    if aws_instance_types is not None:
        document["aws"]["instance_types"] = {k: dict(v) for k, v in
                                             sorted(aws_instance_types.items())}
    if azure_sizes is not None:
        document["azure"]["sizes"] = {k: dict(v) for k, v in sorted(azure_sizes.items())}
    if gcp_machine_types is not None:
        document["gcp"]["machine_types"] = {k: sorted(v) for k, v in
                                            sorted(gcp_machine_types.items())}
    kept = [s for s in document.get("sources", []) if not str(s).startswith("live: ")]
    document["sources"] = kept + [f"live: {s}" for s in sources]
    return document
