"""Benchmarks: ``custodes check`` at scale, the CrossGuard pack, and Checkov on the same work.

    python benchmarks/run.py                      # everything (minutes: 100k and Checkov 10k)
    python benchmarks/run.py --sizes 1000,10000   # a quicker run
    python benchmarks/run.py --no-checkov --sizes 1000 --repeat 3

What it measures, each as a whole process (wall time, CPU time, peak RSS):

* start-up: ``custodes check`` on a 16-resource export;
* synthetic stack exports and previews (``benchmarks/synthetic.py``, from
  ``--seed``) of each size, median of ``--repeat`` runs, with the cost per resource;
* every project in ``examples/``, run offline;
* many stacks: a directory of exports, ``--jobs 1`` against all cores;
* the CrossGuard pack's start-up and median ``Analyze`` latency against a
  trivial eight-policy pack (``benchmarks/pack_latency.py``);
* Checkov (``--checkov``, the optional ``bench`` extra) on a Terraform plan of
  as many ``aws_instance`` resources, and the ratio.

It checks the targets of issue 8 and writes a Markdown report
(``benchmarks/results.md`` unless ``--output``). Generated inputs go to
``benchmarks/out/`` (ignored by git). Timings are of this machine under its
load at the time: the report records the core count and load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

DEFAULT_SIZES = (1_000, 10_000, 100_000)
CHECKOV_VERSION = "3.3.30"
HEAVY_MODULES = ("pulumi", "pulumi_aws", "pulumi_azure_native", "pulumi_gcp", "pulumi_policy",
                 "boto3", "botocore", "azure", "google", "grpc")

# Issue 8's targets on a 2-core machine.
TARGET_STARTUP_S = 0.4
TARGET_10K_S, TARGET_10K_MB = 1.5, 300
TARGET_100K_S = 15.0
TARGET_EXAMPLE_S = 3.0
TARGET_PACK_RATIO = 1.5
# Issue 15's, as ratios to a bare `json.load` of the same file timed in the same run.
TARGET_JSON_RATIO = 4.0  # --format json and sarif
TARGET_TEXT_RATIO = 5.0  # --format text
TARGET_LINEAR = 1.10  # per-resource cost at 100k ÷ at 10k
TARGET_VERDICT_S = 1.0  # offline check of an example, less its Pulumi SDKs' import time
# No cliff on big values: every format of a stack holding one 50 MB string, and a preview of
# 5,000 instances with 200 unknown inputs each, judged in seconds (CPU), never minutes.
BIG_VALUE_MB, TARGET_BIG_VALUE_S = 50, 60.0  # a minute: "not minutes"
UNKNOWNS_INSTANCES, TARGET_UNKNOWNS_S = 5_000, 10.0
CLIFF_FORMATS = ("json", "sarif", "text", "markdown", "junit", "github")
SNP_SIZES = (10_000, 100_000)  # SEV-SNP instances of issue 15's stack (and half as many keys)


@dataclass
class Sample:
    """One run of a command: wall and CPU seconds, peak RSS, exit code."""

    wall: float
    cpu: float
    rss_mb: float
    code: int


@dataclass
class Measure:
    """Several runs of one command."""

    samples: list[Sample] = field(default_factory=list)
    # The 1-minute load average when the runs started: other work on the machine.
    load: float = 0.0

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return max(s.rss_mb for s in self.samples)


def run_once(command: Sequence[str], cwd: Path | None = None, stdout: Any = None,
             timeout: float = 3600.0) -> Sample:
    """Run ``command`` once in a fresh process; its wall time, CPU time and peak RSS.

    The peak RSS is the largest of the process and the children it waited for
    (``wait4``); CPU time includes those children.
    """
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL,
                                   stdout=stdout if stdout is not None else subprocess.DEVNULL,
                                   stderr=errors)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code
        if code not in (0, 1):
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip().splitlines()[-1:]
            raise RuntimeError(f"{' '.join(command)} exited {code}: {message}")
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * scale / 2**20, code)


def measure(command: Sequence[str], repeat: int, cwd: Path | None = None,
            stdout_file: Path | None = None) -> Measure:
    """``repeat`` runs of ``command``."""
    result = Measure(load=os.getloadavg()[0])
    for _ in range(repeat):
        if stdout_file is None:
            result.samples.append(run_once(command, cwd))
        else:
            with stdout_file.open("wb") as stdout:
                result.samples.append(run_once(command, cwd, stdout))
    return result


def measure_pairs(baseline: Sequence[str], command: Sequence[str],
                  repeat: int) -> tuple[Measure, Measure]:
    """``repeat`` pairs of runs, ``baseline`` then ``command``: each pair sees the same
    load, so the ratio of a pair is steadier than a ratio of medians on a shared
    machine (see :func:`paired_ratio`)."""
    first, second = Measure(load=os.getloadavg()[0]), Measure(load=os.getloadavg()[0])
    # One pair first, not counted: the first runs after an input is written (and the
    # benchmark's previous inputs of hundreds of MB deleted) pay for the kernel's page
    # cache, not for the command.
    run_once(baseline)
    run_once(command)
    for _ in range(repeat):
        first.samples.append(run_once(baseline))
        second.samples.append(run_once(command))
    return first, second


def pair_ratios(result: Measure, baseline: Measure, attribute: str) -> list[float]:
    """The ratio of each pair of :func:`measure_pairs` (``cpu`` or ``wall``), sorted."""
    return sorted(getattr(run, attribute) / getattr(base, attribute)
                  for run, base in zip(result.samples, baseline.samples, strict=True))


def paired_ratio(result: Measure, baseline: Measure, attribute: str) -> float:
    """The median of the ratios of the pairs of :func:`measure_pairs` (``cpu`` or ``wall``)."""
    return statistics.median(pair_ratios(result, baseline, attribute))


def generate(kind: str, size: int, path: Path, seed: int, stack: str = "prod") -> list[str]:
    """Write a synthetic input in a child process; its size in bytes, then any extra lines.

    Not in this process: a child's peak RSS (``wait4``) counts the peak of the
    process that started it, so this one must stay small.
    """
    output = subprocess.run([sys.executable, str(HERE / "synthetic.py"), kind, str(size),
                             str(path), "--seed", str(seed), "--stack", stack],
                            capture_output=True, text=True, check=True)
    os.sync()  # the input on disk before it is measured: no writeback during the runs
    return output.stdout.splitlines()


def custodes_command(*arguments: str) -> list[str]:
    """``custodes …`` with this interpreter, so the benchmark needs nothing on PATH."""
    return [sys.executable, "-m", "custodes", *arguments]


def read_json(path: Path, expression: str) -> Any:
    """``expression`` of the JSON document at ``path`` (``doc``), read in a child process.

    The documents are large (a 100k report is tens of MB) and this process must
    stay small (see :func:`generate`).
    """
    code = ("import json, sys\n"
            "doc = json.load(open(sys.argv[1], encoding='utf-8'))\n"
            f"print(json.dumps({expression}))\n")
    output = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                            text=True, check=True)
    return json.loads(output.stdout)


def summary_of(report: Path) -> dict[str, int]:
    """The summary of a ``--format json`` report."""
    summary: dict[str, int] = read_json(report, "doc['summary']")
    return summary


def verdict(met: bool | None) -> str:
    """A target's verdict for the tables."""
    return "—" if met is None else ("met" if met else "**missed**")


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.995 else f"{value * 1000:.0f} ms"


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def parse_sizes(text: str) -> list[int]:
    """``1000,10k,100k`` as numbers."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if part:
            sizes.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    return sizes


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the benchmarks -------------------------------------------------------------------


def bench_imports() -> list[str]:
    """The heavy modules that ``custodes check`` on a JSON input imports (none, we hope)."""
    tiny = OUT / "export-16.json"
    probe = (
        "import sys\n"
        "from custodes.cli import main\n"
        f"code = main(['check', {str(tiny)!r}, '--format', 'json', '--output', {os.devnull!r}])\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY_MODULES!r}))\n"
        "print(','.join(heavy))\n"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=False)
    return [name for name in output.stdout.strip().split(",") if name]


def bench_startup(repeat: int) -> Measure:
    tiny = OUT / "export-16.json"
    generate("export", 16, tiny, SEED)
    return measure(custodes_command("check", str(tiny), "--format", "json", "--output",
                                    os.devnull), max(repeat, 10))


def bench_sizes(sizes: list[int], repeat: int) -> list[dict[str, Any]]:
    """Each size as an export and a preview, reported as JSON; the export also as text.

    The text report (the default format, a rich table) is timed up to 10k resources.
    """
    rows = []
    for size in sizes:
        for kind in ("export", "preview"):
            path = OUT / f"{kind}-{size}.json"
            log(f"generating {path.name}")
            megabytes = int(generate(kind, size, path, SEED)[0]) / 2**20
            runs = repeat if size < 100_000 else max(1, min(repeat, 3))
            formats = ["json", "text"] if kind == "export" and size <= 10_000 else ["json"]
            report = OUT / f"{kind}-{size}.report.json"
            for format_name in formats:
                log(f"custodes check {path.name} --format {format_name} ×{runs}")
                output = report if format_name == "json" else OUT / f"{kind}-{size}.report.txt"
                result = measure(custodes_command(
                    "check", str(path), "--format", format_name, "--output", str(output),
                    "--max-input-mb", str(int(megabytes * 2) + 64)), runs)
                rows.append({"size": size, "kind": kind, "format": format_name, "mb": megabytes,
                             "measure": result, "summary": summary_of(report)})
            path.unlink()  # the largest inputs are hundreds of MB
    return rows


def bench_snp(sizes: Sequence[int], repeat: int) -> list[dict[str, Any]]:
    """Issue 15's stack against a bare ``json.load`` of the same file, in the same run.

    For each size: the export (``--format json``, ``sarif`` and, up to 10k, ``text``)
    and, up to 10k, the preview (``json``); before each file's measures, the process
    ``python -c "import json; json.load(open(FILE))"`` is timed as the baseline.
    """
    rows = []
    for size in sizes:
        kinds = ("export", "preview") if size <= 10_000 else ("export",)
        for kind in kinds:
            path = OUT / f"snp-{kind}-{size}.json"
            log(f"generating {path.name}")
            megabytes = int(generate(f"snp-{kind}", size, path, SEED)[0]) / 2**20
            runs = repeat if size <= 10_000 else max(1, min(repeat, 3))
            load_json = [sys.executable, "-c",
                         "import json, sys; json.load(open(sys.argv[1], 'rb'))", str(path)]
            formats = ["json"]
            if kind == "export":
                formats += ["sarif", "text"] if size <= 10_000 else ["sarif"]
            for format_name in formats:
                log(f"json.load and custodes check {path.name} --format {format_name}, "
                    f"alternately ×{runs}")
                output = OUT / f"snp-{kind}-{size}.report.{format_name}"
                baseline, result = measure_pairs(load_json, custodes_command(
                    "check", str(path), "--format", format_name, "--output", str(output),
                    "--max-input-mb", str(int(megabytes * 2) + 64)), runs)
                rows.append({"size": size, "kind": kind, "format": format_name,
                             "mb": megabytes, "measure": result, "baseline": baseline,
                             "resources": _resources(path)})
            path.unlink()
    return rows


def _resources(path: Path) -> int:
    """The number of resources of a generated export or preview."""
    count: int = read_json(path, "len(doc['deployment']['resources']) if 'deployment' in doc "
                                 "else len(doc['steps'])")
    return count


def bench_cliffs(big_mb: int, instances: int, repeat: int) -> list[dict[str, Any]]:
    """Issue 15's cliffs: a ``big_mb`` MB string a rule quotes, and ``instances`` × 200
    unknown values.

    Each input through every text format (``CLIFF_FORMATS``), median of
    ``repeat`` runs; with each the report's size and its findings.
    """
    rows = []
    cases = (("big-value", big_mb, f"one SEV-SNP instance whose root volume key is a "
                                   f"{big_mb} MB string (a key outside the stack)"),
             ("unknowns", instances, f"a preview of {instances:,} SEV-SNP instances to "
                                     "create, 200 unknown inputs each"))
    for kind, size, label in cases:
        path = OUT / f"{kind}-{size}.json"
        log(f"generating {path.name}")
        megabytes = int(generate(kind, size, path, SEED)[0]) / 2**20
        for format_name in CLIFF_FORMATS:
            output = OUT / f"{kind}-{size}.report.{format_name}"
            log(f"custodes check {path.name} --format {format_name} ×{repeat}")
            result = measure(custodes_command(
                "check", str(path), "--format", format_name, "--output", str(output),
                "--max-input-mb", str(int(megabytes * 2) + 64)), repeat)
            rows.append({"kind": kind, "label": label, "format": format_name, "mb": megabytes,
                         "measure": result, "report_mb": output.stat().st_size / 2**20,
                         # json comes first: its report gives the findings of every format.
                         "summary": summary_of(OUT / f"{kind}-{size}.report.json")})
            if format_name != "json":
                output.unlink()
        (OUT / f"{kind}-{size}.report.json").unlink()
        path.unlink()
    return rows


# Run in a child process: the program of the project in argv[1], run offline by custodes'
# runner (its `main`, without the supervisor's fork, so that this process keeps what the run
# imported), then the Pulumi SDK packages the run loaded, as a JSON list on stdout.
SDK_PACKAGES_CODE = """\
import json, os, sys, tempfile
from pathlib import Path
from custodes.sources.program import runner, stack_settings
project = Path(sys.argv[1]).resolve()
settings = stack_settings(project, None)
with tempfile.TemporaryDirectory() as scratch:
    settings_file = Path(scratch) / "settings.json"
    settings_file.write_text(json.dumps(settings), encoding="utf-8")
    code = runner.main([str(project), settings["main"], str(Path(scratch) / "export.json"),
                        str(settings_file)])
loaded = sorted(name for name, module in list(sys.modules.items())
                if name.split(".")[0].startswith("pulumi_") and name.count(".") <= 1
                and hasattr(module, "__path__") and type(module).__name__ != "_LazyModule")
sys.__stdout__.write(json.dumps({"code": code, "packages": ["pulumi", *loaded]}))
sys.__stdout__.flush()
os._exit(0)  # the SDK's gRPC threads can keep a finished run alive (as in the runner)
"""
# Run in a child process: the CPU seconds this process takes to import the packages named in
# argv[1:], in order, loading each lazy one (a provider SDK's subpackage loads on first use),
# in the state the check's runner imports them in: its own modules loaded, its collector tuned.
SDK_IMPORT_CODE = """\
import importlib, sys, time
from custodes.sources.program import runner
runner.tune_collector()
start = time.process_time()
for name in sys.argv[1:]:
    getattr(importlib.import_module(name), "__all__", None)
print(time.process_time() - start)
"""


def program_sdks(project: Path) -> list[str]:
    """The Pulumi SDK packages a run of the project's program loads, parents first.

    ``["pulumi", "pulumi_gcp", "pulumi_gcp.compute", "pulumi_gcp.kms"]``: ``pulumi``,
    then each provider SDK package and subpackage the run loaded — by the program's
    own code or by custodes' components declaring resources for it. The provider SDKs
    load their subpackages lazily: ``import pulumi_gcp`` costs a few milliseconds and
    ``gcp.compute.Instance`` then loads all of ``pulumi_gcp.compute`` (about a second),
    so neither the program's import lines nor ``import pulumi_gcp`` say what the
    program imports; running it does. Raises ``RuntimeError`` if the program fails.
    """
    output = subprocess.run([sys.executable, "-c", SDK_PACKAGES_CODE, str(project.resolve())],
                            capture_output=True, text=True, check=False, cwd=tempfile.gettempdir())
    try:
        result = json.loads(output.stdout)
    except ValueError:
        result = {"code": output.returncode}
    if result["code"] != 0:
        raise RuntimeError(f"{project}: the program did not run offline: "
                           f"{output.stderr.strip()[-500:]}")
    packages: list[str] = result["packages"]
    return packages


def sdk_import_once(packages: Sequence[str]) -> float:
    """CPU seconds a fresh process takes to import ``packages`` (loading lazy ones).

    Timed inside the importing process (``time.process_time``), so interpreter
    start-up and teardown are not counted: the check's runner pays neither for the
    SDKs (it ends with ``os._exit``). The process is first put in the runner's state
    (its modules imported, its garbage collector tuned), so that the figure is what
    the SDKs cost the runner: neither the standard modules custodes and the SDKs
    share nor the collector's setting is counted as the SDKs'.
    """
    output = subprocess.run([sys.executable, "-c", SDK_IMPORT_CODE, *packages],
                            capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
    return float(output.stdout)


def bench_examples(repeat: int) -> list[dict[str, Any]]:
    """Each example run offline, and the time Python takes to import its Pulumi SDKs.

    The SDKs are the packages a run of the program loads (:func:`program_sdks`);
    their import time (:func:`sdk_import_once`) is measured alternately with the
    check, ``repeat`` times each after one such pair not counted, so that each pair
    sees the same load. The time to
    the verdict is the median of the pairs' differences (check less import): on a
    shared machine that is steadier than the difference of two medians.
    """
    rows = []
    for project in sorted((ROOT / "examples").iterdir()):
        if not (project / "Pulumi.yaml").is_file():
            continue
        sdks = program_sdks(project)
        report = OUT / f"example-{project.name}.report.json"
        log(f"custodes check examples/{project.name}, and import {', '.join(sdks)} ×{repeat}")
        command = custodes_command("check", str(project), "--format", "json", "--output",
                                   str(report))
        result = Measure(load=os.getloadavg()[0])
        imports = []
        # One pair first, not counted (as measure_pairs): the first import of an SDK reads
        # thousands of files the page cache may not hold yet.
        sdk_import_once(sdks)
        run_once(command)
        for _ in range(repeat):
            imports.append(sdk_import_once(sdks))
            result.samples.append(run_once(command))
        verdict_s = statistics.median([sample.cpu - seconds for sample, seconds
                                       in zip(result.samples, imports, strict=True)])
        rows.append({"name": project.name, "measure": result, "summary": summary_of(report),
                     "sdks": sdks, "sdk_import": statistics.median(imports),
                     "verdict": verdict_s})
    return rows


def bench_fleet(stacks: int, size: int, jobs: int, repeat: int) -> dict[str, Any]:
    fleet = OUT / "fleet"
    shutil.rmtree(fleet, ignore_errors=True)
    fleet.mkdir(parents=True)
    for index in range(stacks):
        generate("export", size, fleet / f"stack{index:03d}.json", SEED + index,
                 stack=f"stack{index:03d}")
    results = {}
    for count in sorted({1, jobs}):
        report = OUT / f"fleet-jobs{count}.report.json"
        log(f"custodes check fleet/ --jobs {count} ×{repeat}")
        results[count] = measure(custodes_command("check", str(fleet), "--jobs", str(count),
                                                  "--format", "json", "--output", str(report)),
                                 repeat)
    same = len({(OUT / f"fleet-jobs{count}.report.json").read_bytes() for count in results}) == 1
    shutil.rmtree(fleet)
    return {"stacks": stacks, "size": size, "results": results, "same": same}


def bench_pack() -> dict[str, Any] | None:
    """The CrossGuard pack against the trivial pack: ``benchmarks/pack_latency.py``'s measure.

    It returns ``{"packs": {name: figures}, "ratio", "target", "met", …}`` with,
    per pack, start-up seconds and per-``Analyze`` microseconds.
    """
    try:
        import pack_latency  # type: ignore[import-not-found]
    except ImportError as error:
        log(f"pack latency: not measured ({error})")
        return None
    log("CrossGuard pack latency")
    result: dict[str, Any] = dict(pack_latency.measure())
    return result


def find_checkov(explicit: str | None) -> str | None:
    """The Checkov executable: --checkov, $CUSTODES_BENCH_CHECKOV, PATH, or .venv-bench/."""
    for candidate in (explicit, os.environ.get("CUSTODES_BENCH_CHECKOV"), shutil.which("checkov"),
                      str(ROOT / ".venv-bench" / "bin" / "checkov")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def bench_checkov(checkov: str, sizes: list[int], repeat: int) -> list[dict[str, Any]]:
    version = subprocess.run([checkov, "--version"], capture_output=True, text=True,
                             check=False).stdout.strip()
    rows = []
    for size in sizes:
        plan = OUT / f"plan-{size}.json"
        managed = set(generate("plan", size, plan, SEED)[1:])
        output = OUT / f"plan-{size}.checkov.json"
        log(f"checkov -f {plan.name} ×{repeat}")
        # --skip-download: no call to the Prisma Cloud API (there is no network here, and a
        # benchmark should not depend on one).
        result = measure([checkov, "-f", str(plan), "--framework", "terraform_plan",
                          "--skip-download", "-o", "json"], repeat, stdout_file=output)
        # One framework gives one object: {"results": {"failed_checks": […]}, "summary": …}.
        flagged = set(read_json(output, "sorted({check.get('resource', '') for check in "
                                        "doc.get('results', {}).get('failed_checks', ())})"))
        rows.append({"size": size, "measure": result, "version": version,
                     "managed": len(managed), "managed_flagged": len(managed & flagged)})
        plan.unlink()
    return rows


# --- the report -----------------------------------------------------------------------


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                            capture_output=True, check=False).stdout.strip() or "unknown"
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"custodes at commit {commit}")


def report(args: argparse.Namespace, parts: dict[str, Any], load: tuple[float, float]) -> str:
    lines = ["# custodes benchmarks", "",
             f"Measured by `python benchmarks/run.py {' '.join(args.argv)}`".rstrip() + " on "
             f"{machine()}; load average {load[0]:.1f} before, {load[1]:.1f} after (the "
             "*load* columns: the 1-minute load average as each measure started; above 1, "
             "other work shared the two cores and wall time exceeds CPU time). Every "
             "time is a whole `custodes check` process (interpreter start-up included, "
             "the package's bytecode compiled first as an install does), "
             f"median of {args.repeat} runs (at most 3 at 100k); peak RSS is the largest "
             "process. Inputs are synthetic (`benchmarks/synthetic.py`, seed "
             f"{args.seed}): a mix of AWS, Azure and GCP confidential workloads, keys, key "
             "stores, references and noise, in the shapes of `pulumi stack export` and "
             "`pulumi preview --json` (where a quarter of the resources are still to be "
             "created, so their references are unknown values).", ""]
    targets: list[tuple[str, str, bool | None]] = []

    startup: Measure = parts["startup"]
    heavy: list[str] = parts["heavy"]
    targets.append((f"`custodes check` on JSON starts in < {TARGET_STARTUP_S} s",
                    f"{seconds(startup.cpu)} CPU", startup.cpu < TARGET_STARTUP_S))
    targets.append(("the JSON path imports no Pulumi or cloud SDK",
                    ", ".join(heavy) or "none imported", not heavy))

    lines += ["## Stacks of 1k to 100k resources", ""]
    rows = []
    for row in parts["sizes"]:
        result: Measure = row["measure"]
        summary = row["summary"]
        rows.append([size_label(row["size"]), row["kind"], row["format"],
                     f"{row['mb']:.0f} MB", f"{result.load:.1f}",
                     seconds(result.wall), seconds(result.cpu), f"{result.rss_mb:.0f} MB",
                     f"{result.wall / row['size'] * 1e6:.0f} µs",
                     f"{summary['mandatory']} / {summary['advisory']} / "
                     f"{summary['unresolved']}"])
        if row["format"] != "json":
            if row["size"] == 10_000:
                targets.append((f"10k resources ({row['kind']}, {row['format']} report, the "
                                f"default format) in < {TARGET_10K_S} s",
                                f"{seconds(result.cpu)} CPU", result.cpu < TARGET_10K_S))
            continue
        if row["size"] == 10_000:
            targets.append((f"10k resources ({row['kind']}) in < {TARGET_10K_S} s and "
                            f"< {TARGET_10K_MB} MB", f"{seconds(result.cpu)} CPU, "
                            f"{result.rss_mb:.0f} MB",
                            result.cpu < TARGET_10K_S and result.rss_mb < TARGET_10K_MB))
        if row["size"] == 100_000:
            targets.append((f"100k resources ({row['kind']}) in < {TARGET_100K_S:.0f} s",
                            f"{seconds(result.cpu)} CPU", result.cpu < TARGET_100K_S))
    lines += table(["resources", "input", "report", "file", "load", "wall", "CPU", "peak RSS",
                    "wall per resource", "findings (mandatory / advisory / unresolved)"], rows)
    lines += ["", f"Start-up (`custodes check` on a 16-resource export): {seconds(startup.wall)} "
              f"wall, {seconds(startup.cpu)} CPU, {startup.rss_mb:.0f} MB; heavy modules "
              f"imported: {', '.join(heavy) or 'none'}.", ""]

    snp = parts.get("snp") or []
    if snp:
        lines += ["## Issue 15's stack against a bare `json.load`", "",
                  "N SEV-SNP instances and N/2 KMS keys (`benchmarks/synthetic.py snp-export`, "
                  "`snp-preview`): every other instance's root volume on the AWS-managed key "
                  "(a finding each), the others on a customer key of their own. *json.load* is "
                  "the process `python -c \"import json; json.load(open(FILE))\"` on the same "
                  "file, run alternately with each check (one json.load, one check, so many "
                  "times, after one such pair not counted); a ratio is the median of the "
                  "pairs' ratios, steadier on a shared machine than a ratio of medians, and "
                  "the times shown are medians. The "
                  "targets are judged on CPU time (user + system, the process and its "
                  "children): the machine's cores are shared, and wall time counts the "
                  "others' work too.", ""]
        rows = []
        per_resource: dict[tuple[str, str, int], float] = {}
        for row in snp:
            result, base = row["measure"], row["baseline"]
            wall_ratio = paired_ratio(result, base, "wall")
            cpu_ratio = paired_ratio(result, base, "cpu")
            per_resource[(row["kind"], row["format"], row["size"])] = result.cpu / row[
                "resources"]
            rows.append([f"{size_label(row['size'])} + {size_label(row['size'] // 2)} keys",
                         row["kind"], row["format"], f"{row['mb']:.0f} MB",
                         f"{result.load:.1f}", seconds(base.cpu), seconds(result.cpu),
                         f"{cpu_ratio:.1f}×", f"{wall_ratio:.1f}×",
                         " ".join(f"{ratio:.2f}" for ratio in pair_ratios(result, base, "cpu")),
                         f"{result.cpu / row['resources'] * 1e6:.0f} µs"])
            limit = TARGET_TEXT_RATIO if row["format"] == "text" else TARGET_JSON_RATIO
            targets.append((f"issue 15: {size_label(row['size'])} SEV-SNP {row['kind']}, "
                            f"--format {row['format']} within {limit:.0f}× a bare json.load",
                            f"{cpu_ratio:.1f}× CPU, {wall_ratio:.1f}× wall "
                            f"({seconds(result.cpu)} vs {seconds(base.cpu)} CPU)",
                            cpu_ratio <= limit if row["kind"] == "export" else None))
        for (kind, format_name, size), cost in sorted(per_resource.items()):
            small = per_resource.get((kind, format_name, 10_000))
            if size > 10_000 and small:
                targets.append((f"issue 15: {size_label(size)} {kind} --format {format_name}: "
                                f"per-resource cost within {TARGET_LINEAR:.2f}× of 10k's",
                                f"{cost / small:.2f}× ({cost * 1e6:.0f} µs vs "
                                f"{small * 1e6:.0f} µs)", cost / small <= TARGET_LINEAR))
        lines += table(["stack", "input", "report", "file", "load", "json.load (CPU)",
                        "custodes (CPU)", "ratio (CPU)", "ratio (wall)",
                        "each pair's ratio (CPU, sorted)", "CPU per resource"],
                       rows)
        lines += [""]

    cliffs = parts.get("cliffs") or []
    if cliffs:
        lines += ["## No cliff on big values", "",
                  "Each input through every text format (`benchmarks/synthetic.py big-value` "
                  "and `unknowns`); times are whole processes, medians.", ""]
        rows = []
        for row in cliffs:
            result, summary = row["measure"], row["summary"]
            limit = TARGET_BIG_VALUE_S if row["kind"] == "big-value" else TARGET_UNKNOWNS_S
            rows.append([row["label"], f"{row['mb']:.0f} MB", row["format"],
                         f"{result.load:.1f}", seconds(result.wall), seconds(result.cpu),
                         f"{result.rss_mb:.0f} MB", f"{row['report_mb']:.1f} MB",
                         f"{summary['advisory'] + summary['mandatory']} "
                         f"({summary['unresolved']} unresolved)"])
            targets.append((f"issue 15: {row['label']}, --format {row['format']} in "
                            f"< {limit:.0f} s CPU", seconds(result.cpu), result.cpu < limit))
        lines += [*table(["input", "file", "report", "load", "wall", "CPU", "peak RSS",
                          "report size", "findings"], rows), ""]

    if parts.get("examples"):
        lines += ["## Examples, run offline", ""]
        rows = []
        for row in parts["examples"]:
            result = row["measure"]
            verdict_s = row["verdict"]
            rows.append([f"examples/{row['name']}", f"{result.load:.1f}", seconds(result.wall),
                         seconds(result.cpu), f"{result.rss_mb:.0f} MB",
                         row["summary"]["resources"], ", ".join(row["sdks"]),
                         seconds(row["sdk_import"]), seconds(verdict_s)])
            targets.append((f"offline check of examples/{row['name']} in < "
                            f"{TARGET_EXAMPLE_S:.0f} s", f"{seconds(result.cpu)} CPU",
                            result.cpu < TARGET_EXAMPLE_S))
            targets.append((f"examples/{row['name']}: to the verdict less the SDKs' import in "
                            f"< {TARGET_VERDICT_S:.0f} s (issue 15)", seconds(verdict_s),
                            verdict_s < TARGET_VERDICT_S))
        lines += ["The program's Pulumi SDKs are imported in the child process that runs it. "
                  "*Pulumi SDKs* are the packages a run of the program loads (found by running "
                  "it: a provider SDK loads a subpackage such as `pulumi_gcp.compute` lazily, "
                  "on first use, so `import pulumi_gcp` alone costs next to nothing); *SDK "
                  "import* is the CPU time a fresh process takes to import and load them, "
                  "timed inside it (no interpreter start-up or teardown) once it is in the "
                  "state the check's runner imports them in (custodes' runner module "
                  "loaded, its garbage-collector threshold set), and *to the "
                  "verdict* is the check's CPU time less that (the program runs in a child "
                  "process, counted too): the import and the check are run alternately, "
                  "after one such pair not counted, and the figure is the median of each "
                  "pair's difference.", ""]
        lines += [*table(["project", "load", "wall", "CPU", "peak RSS", "resources",
                          "Pulumi SDKs", "SDK import", "to the verdict"], rows), ""]

    fleet = parts.get("fleet")
    if fleet:
        lines += ["## Many stacks in one run", ""]
        base = fleet["results"][1]
        rows = [[f"`--jobs {jobs}`", f"{result.load:.1f}", seconds(result.wall),
                 seconds(result.cpu),
                 f"{result.rss_mb:.0f} MB", f"{base.wall / result.wall:.2f}×"]
                for jobs, result in sorted(fleet["results"].items())]
        lines += [f"A directory of {fleet['stacks']} stack exports of {fleet['size']} resources "
                  f"each (`custodes check DIR`); the reports of every job count are "
                  f"{'byte for byte the same' if fleet['same'] else '**not the same**'}.", ""]
        lines += table(["jobs", "load", "wall", "CPU", "peak RSS (largest process)", "speed-up"],
                       rows)
        lines += [""]

    lines += ["## CrossGuard pack", ""]
    pack = parts.get("pack")
    pack_target = f"CrossGuard median `Analyze` within {TARGET_PACK_RATIO}× of a trivial pack"
    if pack is None:
        lines += ["Not measured (`--no-pack`, or `benchmarks/pack_latency.py` could not be "
                  "imported).", ""]
        targets.append((pack_target, "not measured", None))
    else:
        packs: dict[str, dict[str, float]] = pack.get("packs", {})
        lines += [f"`benchmarks/pack_latency.py`: each pack started "
                  f"{pack.get('startup_runs', '?')} times, then `Analyze` on the "
                  f"{pack.get('resources', '?')} resources of a synthetic preview "
                  f"({pack.get('covered_resources', '?')} of types the resource policies "
                  f"cover), {pack.get('rounds', '?')} rounds interleaved between the packs.", ""]
        rows = [[name, seconds(figures.get("startup_info_s", float("nan"))),
                 f"{figures.get('analyze_median_us', float('nan')) / 1000:.2f} ms",
                 f"{figures.get('analyze_p90_us', float('nan')) / 1000:.2f} ms",
                 f"{figures.get('analyze_covered_median_us', float('nan')) / 1000:.2f} ms",
                 f"{figures.get('analyze_stack_ms', float('nan')):.0f} ms"]
                for name, figures in packs.items()]
        lines += [*table(["pack", "start-up (until it answers)", "median `Analyze`",
                          "p90 `Analyze`", "median `Analyze`, covered types",
                          "`AnalyzeStack`"], rows), ""]
        ratio, ours, floor = pack.get("ratio"), packs.get("custodes"), packs.get("trivial")
        if isinstance(ratio, int | float) and ours and floor:
            targets.append((pack_target, f"{ours['analyze_median_us'] / 1000:.2f} ms vs "
                            f"{floor['analyze_median_us'] / 1000:.2f} ms ({ratio:.2f}×)",
                            ratio <= TARGET_PACK_RATIO))
        else:
            targets.append((pack_target, "not reported", None))

    lines += ["## Checkov on the same number of resources", ""]
    checkov = parts.get("checkov")
    if checkov is None:
        lines += [parts.get("checkov_note", "Not measured."), ""]
    else:
        exports = {row["size"]: row["measure"] for row in parts["sizes"]
                   if row["kind"] == "export" and row["format"] == "json"}
        rows = []
        for row in checkov:
            result = row["measure"]
            ours = exports.get(row["size"])
            ratio = f"{result.wall / ours.wall:.0f}×" if ours else "—"
            rows.append([size_label(row["size"]), f"{result.load:.1f}", seconds(result.wall),
                         seconds(result.cpu),
                         f"{result.rss_mb:.0f} MB", f"{result.wall / row['size'] * 1e3:.1f} ms",
                         seconds(ours.wall) if ours else "—", ratio,
                         f"{row['managed_flagged']} of {row['managed']}"])
        version = checkov[0]["version"] if checkov else ""
        lines += [f"Checkov {version} (`checkov -f plan.json --framework terraform_plan "
                  "--skip-download -o json`) on a `terraform show -json` plan of as many "
                  "`aws_instance` resources as the custodes input has resources (SEV-SNP "
                  "or enclave-enabled, encrypted root volumes, one in twenty encrypted with "
                  "the AWS-managed key), median of "
                  f"{args.checkov_repeat} run(s). custodes judges a harder mix of the same size "
                  "(keys, key stores, policies and references to follow).", ""]
        lines += table(["resources", "load", "Checkov wall", "CPU", "peak RSS", "per resource",
                        "custodes wall (export)", "Checkov ÷ custodes",
                        "AWS-managed root keys Checkov flags"], rows)
        lines += [""]

    lines[2:2] = ["## Targets (issues 8 and 15)", "",
                  *table(["target", "measured", "verdict"],
                         [[name, value, verdict(met)] for name, value, met in targets]), ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    global OUT, SEED
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="stack sizes, e.g. 1000,10k,100k (default: 1k, 10k and 100k)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure (median)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic stacks")
    parser.add_argument("--checkov", metavar="PATH", help="the checkov executable")
    parser.add_argument("--no-checkov", action="store_true", help="do not run Checkov")
    parser.add_argument("--checkov-sizes", default=None,
                        help="sizes for Checkov (default: the sizes up to 10k; 100k takes "
                             "Checkov most of an hour)")
    parser.add_argument("--checkov-repeat", type=int, default=1, help="Checkov runs per size")
    parser.add_argument("--fleet", default="8x5000", metavar="STACKSxSIZE",
                        help="the many-stacks run (default 8x5000; 0 to skip)")
    parser.add_argument("--snp-sizes", default=",".join(map(str, SNP_SIZES)),
                        help="SEV-SNP instances of issue 15's stack (default 10k,100k; "
                             "empty to skip)")
    parser.add_argument("--no-examples", action="store_true", help="skip examples/")
    parser.add_argument("--no-cliffs", action="store_true",
                        help="skip the big-value and unknowns inputs")
    parser.add_argument("--big-value-mb", type=int, default=BIG_VALUE_MB,
                        help=f"the big value's size in MB (default {BIG_VALUE_MB})")
    parser.add_argument("--unknowns", type=int, default=UNKNOWNS_INSTANCES,
                        help="instances of 200 unknown inputs each (default "
                             f"{UNKNOWNS_INSTANCES})")
    parser.add_argument("--no-pack", action="store_true", help="skip the CrossGuard pack")
    parser.add_argument("--output", default=str(HERE / "results.md"),
                        help="the Markdown report (default benchmarks/results.md)")
    parser.add_argument("--workdir", default=str(HERE / "out"), help="generated inputs")
    args = parser.parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])
    if args.repeat < 1 or args.checkov_repeat < 1:
        parser.error("--repeat and --checkov-repeat must be at least 1")
    try:
        sizes = parse_sizes(args.sizes)
        snp_sizes = parse_sizes(args.snp_sizes)
        checkov_sizes = (parse_sizes(args.checkov_sizes) if args.checkov_sizes is not None
                         else [size for size in sizes if size <= 10_000])
    except ValueError:
        parser.error("sizes are numbers such as 1000 or 10k, separated by commas")
    if any(size < 16 for size in sizes + checkov_sizes):
        parser.error("the smallest size is 16")
    OUT, SEED = Path(args.workdir), args.seed
    OUT.mkdir(parents=True, exist_ok=True)

    # Bytecode first, as installing the package writes it: a checkout run with
    # PYTHONDONTWRITEBYTECODE would otherwise compile every module in every measure.
    import custodes

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(custodes.__file__).parent)],
                   stdout=subprocess.DEVNULL, check=False)
    load_before = os.getloadavg()[0]
    parts: dict[str, Any] = {}
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("startup", lambda: bench_startup(args.repeat)),
        ("heavy", bench_imports),
        ("sizes", lambda: bench_sizes(sizes, args.repeat)),
    ]
    if snp_sizes:
        steps.append(("snp", lambda: bench_snp(snp_sizes, args.repeat)))
    if not args.no_cliffs:
        steps.append(("cliffs", lambda: bench_cliffs(args.big_value_mb, args.unknowns,
                                                     min(args.repeat, 3))))
    if not args.no_examples:
        steps.append(("examples", lambda: bench_examples(min(args.repeat, 3))))
    if args.fleet != "0":
        stacks, _, size = args.fleet.partition("x")
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
        steps.append(("fleet", lambda: bench_fleet(int(stacks), int(size or 1000), cores,
                                                   min(args.repeat, 3))))
    checkov = None if args.no_checkov else find_checkov(args.checkov)
    if args.no_checkov:
        parts["checkov_note"] = "Not measured (`--no-checkov`)."
    elif checkov is None:
        parts["checkov_note"] = (
            f"Not measured: no `checkov` found. Install Checkov {CHECKOV_VERSION} in a "
            "virtual environment of its own (it pins packaging<24, which the Pulumi SDK "
            f"cannot use): `python -m venv .venv-bench && .venv-bench/bin/pip install "
            f"checkov=={CHECKOV_VERSION}`, or pass `--checkov PATH`.")
    elif checkov_sizes:
        steps.append(("checkov", lambda: bench_checkov(checkov, checkov_sizes,
                                                       args.checkov_repeat)))
    if not args.no_pack:
        # Last: the pack's measure runs in this process, which must stay small while
        # the others run (see generate).
        steps.append(("pack", bench_pack))
    for name, step in steps:
        parts[name] = step()
    text = report(args, parts, (load_before, os.getloadavg()[0]))
    Path(args.output).write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    log(f"wrote {args.output}")
    return 0


OUT = HERE / "out"
SEED = 1

if __name__ == "__main__":
    sys.exit(main())
