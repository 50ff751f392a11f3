"""Every JSON input under tests/ through ``custodes check`` in every text format, to compare.

    PYTHONPATH=OLD python benchmarks/same_output.py write /tmp/before
    PYTHONPATH=NEW python benchmarks/same_output.py write /tmp/after
    python benchmarks/same_output.py compare /tmp/before /tmp/after

A speed change must not change a verdict or an output byte: ``write`` runs
``custodes check FILE --format F --output …`` (the command line's own path, in
one process, exit code and stderr recorded) for every ``*.json`` under
``tests/`` (fixtures, the rule corpus, hostile inputs) and any extra files
given with ``--extra`` (e.g. generated synthetic stacks), for each format of
:data:`FORMATS`; ``compare`` lists the outputs that differ and exits 1 if any
does. ``html`` is left out (it embeds a script of its own and is slow to write
in bulk); the other six formats are all the text a user reads.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("json", "sarif", "text", "markdown", "junit", "github")


def inputs(extra: list[str]) -> list[Path]:
    """The inputs, in a fixed order: every JSON file under tests/, then the extras."""
    return sorted((ROOT / "tests").rglob("*.json")) + [Path(name).resolve() for name in extra]


def write(directory: Path, extra: list[str]) -> int:
    """Every input in every format into ``directory`` (one file per pair, plus its outcome)."""
    from custodes.cli import main

    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in inputs(extra):
        name = str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        stem = hashlib.sha256(name.encode()).hexdigest()[:16]
        for format_name in FORMATS:
            output = directory / f"{stem}.{format_name}"
            errors = io.StringIO()
            with contextlib.redirect_stderr(errors):
                code = main(["check", str(path), "--format", format_name, "--output",
                             str(output), "--max-input-mb", "512"])
            (directory / f"{stem}.{format_name}.outcome").write_text(
                f"{name}\nexit {code}\n{errors.getvalue()}", encoding="utf-8")
            count += 1
    print(f"wrote {count} outputs of {len(inputs(extra))} inputs to {directory}")
    return 0


def compare(before: Path, after: Path) -> int:
    """The outputs (and outcomes) that differ between two ``write`` directories."""
    names = sorted({path.name for path in before.iterdir()} | {path.name for path in after.iterdir()})
    differ = []
    for name in names:
        old, new = before / name, after / name
        if not old.exists() or not new.exists() or old.read_bytes() != new.read_bytes():
            outcome = (old if old.exists() else new).with_name(
                name if name.endswith(".outcome") else name + ".outcome")
            label = outcome.read_text(encoding="utf-8").split("\n", 1)[0] if outcome.exists() else ""
            differ.append(f"{name} ({label})")
    print(f"compared {len(names)} files: {len(differ)} differ")
    for line in differ:
        print(f"  {line}")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    writing = commands.add_parser("write")
    writing.add_argument("directory", type=Path)
    writing.add_argument("--extra", nargs="*", default=[], help="more input files")
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        return write(args.directory, args.extra)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
