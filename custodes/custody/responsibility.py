"""The shared-responsibility matrix of a stack: who holds each duty, per workload.

Rows are the duties only the customer may hold in a confidential deployment
(key custody, attestation policy, attestation verification, firmware/TCB,
monitoring); columns are the parties (provider, founder, customer) plus
``unassigned`` for a duty nobody in the stack holds and ``unresolved`` for one
the stack does not tell. Each cell lists the URNs of the workloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from custodes.custody import CustodyAnalysis, CustodyLevel, Workload
from custodes.redaction import MAX_MESSAGE, shown

DUTIES = (
    "key-custody",
    "attestation-policy",
    "attestation-verification",
    "firmware-tcb",
    "monitoring",
)
Holder = Literal["provider", "founder", "customer", "unassigned", "unresolved"]
HOLDERS: tuple[Holder, ...] = ("provider", "founder", "customer", "unassigned", "unresolved")


def holders(workload: Workload) -> dict[str, Holder]:
    """Who holds each duty for one workload."""
    levels = [key.level for key in workload.keys]
    custody: Holder
    if not levels:
        custody = "unresolved"
    elif CustodyLevel.PROVIDER in levels:
        custody = "provider"
    elif None in levels:
        custody = "unresolved"
    else:
        custody = "customer"
    return {
        "key-custody": custody,
        "attestation-policy": workload.attestation_policy,
        "attestation-verification": workload.attestation_verifier,
        # The founder ships the firmware and its TCB fixes; a release policy that
        # admits only a compliant TCB (Azure azure-compliant-cvm, Confidential Space
        # STABLE/LATEST) puts the floor in the customer's hands.
        # Which founder cannot be told for a technology custodes does not know.
        "firmware-tcb": "customer" if workload.tcb_floor else (
            "unresolved" if "unknown" in workload.founders
            and all(founder == "unknown" for founder in workload.founders) else "founder"),
        # Only the customer can watch for drift from what it declared (custodes audit).
        "monitoring": "customer",
    }


def matrix(analysis: CustodyAnalysis,
           duties: Sequence[dict[str, Holder]] | None = None) -> list[dict[str, Any]]:
    """The matrix as JSON-ready rows, one per duty, cells sorted by URN.

    ``duties``: :func:`holders` of each workload of ``analysis``, in its order, when the
    caller has them already.
    """
    cells: dict[str, dict[str, list[str]]] = {
        duty: {holder: [] for holder in HOLDERS} for duty in DUTIES}
    each = duties if duties is not None else [holders(workload) for workload in analysis]
    # One pass: each workload's URN into the cell of each duty.
    for workload, held in zip(analysis, each, strict=True):
        urn = workload.resource.urn
        for duty, holder in held.items():
            cell = cells[duty].get(holder)
            if cell is not None:  # as before: a holder outside HOLDERS is in no column
                cell.append(urn)
    return [{"duty": duty, **{holder: sorted(cells[duty][holder]) for holder in HOLDERS}}
            for duty in DUTIES]


def workload_summary(workload: Workload,
                     duties: dict[str, Holder] | None = None) -> dict[str, Any]:
    """One workload's custody picture as a JSON-ready object (``duties``: its
    :func:`holders`, when the caller has them already)."""
    return {
        "urn": workload.resource.urn,
        "type": workload.resource.type,
        "name": workload.resource.name,
        "cloud": workload.cloud,
        "provider": workload.provider,
        "technologies": list(workload.technologies),
        "founders": list(workload.founders),
        "attestation_policy": workload.attestation_policy,
        "attestation_verifier": workload.attestation_verifier,
        "keys": [
            {
                "path": key.path,
                "custody": key.label,
                "key": key.key.urn if key.key is not None else None,
                "attestation_bound": key.attestation_bound,
                "note": shown(key.note, MAX_MESSAGE, bare=True),
            }
            for key in workload.keys
        ],
        "duties": holders(workload) if duties is None else duties,
    }
