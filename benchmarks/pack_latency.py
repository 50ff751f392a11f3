"""How fast the CrossGuard pack starts and answers `Analyze`, next to a trivial pack.

The Pulumi CLI starts a pack per `pulumi preview` / `pulumi up` and calls
`Analyze` once per resource before the provider sees it, so start-up and the
per-`Analyze` latency are what a user waits for. Every pack is driven as the
engine drives it (custodes.crossguard.host): a child process, its port read
from stdout, gRPC calls.

Packs measured in the same run, interleaved so that a busy machine slows all
of them alike:

* ``custodes``: policies/ (custodes.crossguard.serve);
* ``plain``: the same policies in a plain ``pulumi_policy.PolicyPack``
  (benchmarks/plain_pack) — the pack before custodes' analyzer;
* ``trivial``: eight pulumi_policy policies that return at once
  (benchmarks/trivial_pack) — the floor of any Python pack.

Requests are the resources of a synthetic preview (benchmarks/synthetic.py):
about half confidential workloads and their keys, half noise. Target (issue 8):
the custodes pack's median per-`Analyze` latency within 1.5x the trivial pack's.

Run: ``python -m benchmarks.pack_latency [--count 300] [--rounds 5]``; other
benchmarks call :func:`measure`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a file or imported by benchmarks/run.py
    sys.path.insert(0, str(HERE.parent))

from benchmarks.synthetic import preview  # noqa: E402
from custodes.crossguard.host import PackProcess, analyze_request, stack_request  # noqa: E402
from custodes.rules.registry import catalogue  # noqa: E402
from custodes.sources.documents import graph_from_document  # noqa: E402

PACKS = {
    "custodes": HERE.parent / "policies",
    "plain": HERE / "plain_pack",
    "trivial": HERE / "trivial_pack",
}
TARGET_RATIO = 1.5


def _startup(directory: Path) -> tuple[float, float]:
    """Seconds from process start to the port printed, and to GetAnalyzerInfo answered."""
    started = time.perf_counter()
    with PackProcess(directory) as pack:
        port = pack.port_seconds
        pack.info()
        answered = time.perf_counter() - started
    return port, answered


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(count: int = 300, seed: int = 0, rounds: int = 5, startup_runs: int = 5,
            packs: dict[str, Path] | None = None) -> dict[str, Any]:
    """Start-up and `Analyze` latency of each pack on a synthetic preview of ``count`` resources.

    Returns ``{"packs": {name: figures}, "ratio": custodes/trivial median Analyze,
    "target": 1.5, "met": bool, ...}``; times in seconds (start-up) and
    microseconds (per call).
    """
    packs = packs or PACKS
    graph = graph_from_document(preview(count, seed), "synthetic preview")
    resources = list(graph)
    requests = [analyze_request(resource) for resource in resources]
    covered_types = {token for rule in catalogue().values() if rule.scope == "resource"
                     for token in rule.types}
    covered = [i for i, resource in enumerate(resources) if resource.type in covered_types]
    stack = stack_request(resources)

    startup: dict[str, list[tuple[float, float]]] = {name: [] for name in packs}
    for _ in range(startup_runs):
        for name, directory in packs.items():
            startup[name].append(_startup(directory))

    calls: dict[str, list[list[float]]] = {name: [[] for _ in requests] for name in packs}
    stack_seconds: dict[str, list[float]] = {name: [] for name in packs}
    processes = {name: PackProcess(directory) for name, directory in packs.items()}
    try:
        for pack in processes.values():  # warm up: first calls, remembered inputs
            for request in requests:
                pack.stub.Analyze(request, timeout=60)
        for _ in range(rounds):
            for name, pack in processes.items():
                for index, request in enumerate(requests):
                    started = time.perf_counter()
                    pack.stub.Analyze(request, timeout=60)
                    calls[name][index].append(time.perf_counter() - started)
                started = time.perf_counter()
                pack.stub.AnalyzeStack(stack, timeout=600)
                stack_seconds[name].append(time.perf_counter() - started)
    finally:
        for pack in processes.values():
            pack.close()

    figures: dict[str, dict[str, float]] = {}
    for name in packs:
        every = [t for per_request in calls[name] for t in per_request]
        on_covered = [t for index in covered for t in calls[name][index]]
        figures[name] = {
            "startup_port_s": statistics.median(p for p, _ in startup[name]),
            "startup_info_s": statistics.median(a for _, a in startup[name]),
            "analyze_median_us": statistics.median(every) * 1e6,
            "analyze_p90_us": _quantile(every, 0.9) * 1e6,
            "analyze_covered_median_us": statistics.median(on_covered) * 1e6,
            "analyze_stack_ms": statistics.median(stack_seconds[name]) * 1e3,
        }
    result: dict[str, Any] = {
        "resources": len(requests),
        "covered_resources": len(covered),
        "rounds": rounds,
        "startup_runs": startup_runs,
        "packs": figures,
        "target": TARGET_RATIO,
    }
    if "custodes" in figures and "trivial" in figures:
        ratio = figures["custodes"]["analyze_median_us"] / figures["trivial"]["analyze_median_us"]
        covered_ratio = (figures["custodes"]["analyze_covered_median_us"]
                         / figures["trivial"]["analyze_covered_median_us"])
        result.update(ratio=ratio, covered_ratio=covered_ratio, met=ratio <= TARGET_RATIO)
    return result


def render(result: dict[str, Any]) -> str:
    """The figures as a Markdown table (the one in policies/README.md)."""
    lines = [
        f"{result['resources']} resources of a synthetic preview ({result['covered_resources']} "
        f"of a type some resource rule covers), {result['rounds']} rounds; start-up: median of "
        f"{result['startup_runs']} runs.",
        "",
        "| pack | start → port | start → GetAnalyzerInfo | Analyze median | Analyze p90 "
        "| Analyze median, covered types | AnalyzeStack |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f in result["packs"].items():
        lines.append(
            f"| {name} | {f['startup_port_s']:.2f} s | {f['startup_info_s']:.2f} s "
            f"| {f['analyze_median_us']:.0f} µs | {f['analyze_p90_us']:.0f} µs "
            f"| {f['analyze_covered_median_us']:.0f} µs | {f['analyze_stack_ms']:.0f} ms |"
        )
    if "ratio" in result:
        lines += ["", f"custodes / trivial, median Analyze: {result['ratio']:.2f}x "
                      f"(covered types: {result['covered_ratio']:.2f}x); target "
                      f"≤ {result['target']}x: {'met' if result['met'] else 'MISSED'}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    arguments = parser.parse_args(argv)
    result = measure(arguments.count, arguments.seed, arguments.rounds, arguments.startup_runs)
    sys.stdout.write(render(result))
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    return 0 if result.get("met", True) else 1


if __name__ == "__main__":
    sys.exit(main())
