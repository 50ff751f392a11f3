"""Construct components through the plugin's provider, under mocks, in a process of their own.

``python -m tests.components.plugin_worker JOBS_JSON`` takes a list of
``{"token", "name", "inputs"}`` and prints one JSON result per job:
``{"urn", "state", "children"}`` or ``{"error", "error_type"}``.

The plugin's provider imports ``pulumi.provider.server``, whose copy of the
``google.rpc.Status`` proto cannot share a process with google-cloud's (the
live-audit tests import that one), so the test suite asks a fresh interpreter.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pulumi

from custodes.components.hosting import build_provider
from tests.components.conftest import run_program


def construct(provider: Any, job: dict[str, Any]) -> dict[str, Any]:
    """One Construct call as the engine makes it for a program in another language."""
    outputs: dict[str, Any] = {}

    def program() -> dict[str, Any]:
        result = provider.construct(job["name"], job["token"], job["inputs"],
                                    pulumi.ResourceOptions())
        return {"urn": result.urn, "state": pulumi.Output.from_input(result.state)}

    try:
        recorded = run_program(program)
    except Exception as error:
        return {"error": str(error), "error_type": type(error).__name__}
    outputs = recorded.outputs
    return {
        "urn": outputs["urn"],
        "state": outputs["state"],
        "children": [r.type for r in recorded.resources if r.parent == outputs["urn"]],
    }


def main(argv: list[str]) -> int:
    provider = build_provider()
    results = [construct(provider, job) for job in json.loads(argv[0])]
    sys.stdout.write(json.dumps(results, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
