"""Waivers: accepted risks, kept in the repository, each with a reason, an owner and an expiry.

A waivers file (``custodes-waivers.yaml``, schema ``waivers.schema.json``)::

    version: 1
    waivers:
      - rule: custodes-workload-disallow-provider-founder
        resource: "urn:pulumi:prod::payments::aws:ec2/instance:Instance::batch-*"
        reason: Nitro Enclaves accepted for the batch tier until the SNP migration.
        owner: platform-security@example.com
        expires: 2099-12-31

A waiver covers its rule's findings on every resource whose URN matches
``resource`` (a URN, or a glob with ``*``, ``?`` and ``[…]``) up to and
including its expiry day. A waived finding stays in every report, marked, and
no longer fails the run. Two findings come from the file itself, under rules
of their own (:data:`WAIVER_RULES`, not part of the graph rule catalogue, since
they judge the file rather than resources): an expired waiver covers nothing
and is a mandatory finding; a waiver that matches no finding is advisory, so
stale waivers get removed. A waiver whose ``reason`` or ``owner`` is still
``TODO`` (as :func:`baseline` writes them) holds, and is an advisory finding
until someone fills it in.

A waiver can also be a comment in the program (:func:`inline_waivers`), at the
end of the line that declares a resource or alone on the line above it::

    # custodes: waive aws-ec2-confidential-require-customer-key until 2027-03-31 -- SEC-142

It waives that rule on that resource, with the same expiry; a comment that
starts like one but cannot be read is an advisory finding at its line.
"""

from __future__ import annotations

import datetime
import fnmatch
import json
import pkgutil
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from custodes.engine import Finding, Report, finding_message
from custodes.errors import InputError, shown
from custodes.model import Resource, SourcePosition
from custodes.positions import display_path, relocate
from custodes.records import record
from custodes.rules.registry import Context, Outcome, Rule, catalogue
from custodes.settings_files import load_yaml, read_settings_text

if TYPE_CHECKING:
    import jsonschema

DEFAULT_FILE = "custodes-waivers.yaml"
WAIVER_TYPE = "custodes:index:Waiver"


def _judged_from_the_file(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Never run over a graph: :func:`apply_waivers` makes these findings from the file."""
    return iter(())


EXPIRED = Rule(
    id="custodes-waiver-disallow-expired",
    title="Waivers are renewed or removed before they expire",
    severity="high",
    enforcement="mandatory",
    strict_enforcement="mandatory",
    rationale="A waiver is a risk someone accepted for a time. Once it expires nobody "
              "owns that risk any more: the findings it covered count again at their own "
              "enforcement (mandatory ones fail the run, advisory ones are reported), and "
              "the stale waiver is itself a mandatory finding until it is renewed or "
              "removed.",
    remediation="Fix the findings the waiver covered and delete it, or have its owner "
                "review the risk and set a new expiry date.",
    types=(),
    scope="stack",
    cloud="any",
    config_properties={},
    check=_judged_from_the_file,
    description="An expired waiver covers nothing and fails the run.",
)
UNMATCHED = Rule(
    id="custodes-waiver-require-match",
    title="Every waiver matches a finding",
    severity="low",
    enforcement="advisory",
    strict_enforcement="advisory",
    rationale="A waiver that matches nothing either outlived the problem it accepted or "
              "names the wrong rule or resource; left in place it would silently waive "
              "the next finding that happens to match it.",
    remediation="Delete the waiver if the finding was fixed, or correct its rule id or "
                "resource pattern.",
    types=(),
    scope="stack",
    cloud="any",
    config_properties={},
    check=_judged_from_the_file,
    description="A waiver that matches no finding is reported.",
)
UNOWNED = Rule(
    id="custodes-waiver-require-owner-and-reason",
    title="Every waiver names its owner and its reason",
    severity="low",
    enforcement="advisory",
    strict_enforcement="advisory",
    rationale="A baseline (`custodes check --baseline-out`) lets a team turn the gate on "
              "before it has reviewed every finding; each waiver it writes says TODO where "
              "its owner and reason go. Until someone fills them in, nobody has accepted "
              "that risk, only postponed it.",
    remediation="Write who owns the accepted risk and why it is accepted in place of TODO, "
                "or fix the finding and delete the waiver.",
    types=(),
    scope="stack",
    cloud="any",
    config_properties={},
    check=_judged_from_the_file,
    description="A waiver whose owner or reason is still TODO is reported.",
)
INLINE = Rule(
    id="custodes-waiver-require-valid-inline",
    title="Every waiver comment in the program can be read",
    severity="medium",
    enforcement="advisory",
    strict_enforcement="advisory",
    rationale="A comment that starts like a waiver but cannot be read (a misspelt rule id, a "
              "date that is not YYYY-MM-DD, no reason, or no resource declared where it "
              "stands) waives nothing; the author believes it does.",
    remediation="Write it exactly as `# custodes: waive RULE_ID until YYYY-MM-DD -- REASON`, "
                "at the end of the line that declares the resource or alone on the line "
                "above it, or delete it.",
    types=(),
    scope="stack",
    cloud="any",
    config_properties={},
    check=_judged_from_the_file,
    description="A waiver comment in the program that cannot be read is reported.",
)
WAIVER_RULES: dict[str, Rule] = {rule.id: rule for rule in (EXPIRED, UNMATCHED, UNOWNED,
                                                            INLINE)}


@record
class Waiver:
    """One accepted risk from a waivers file."""

    rule_id: str
    resource: str
    reason: str
    owner: str
    expires: datetime.date
    source: SourcePosition
    # A comment in the program (:func:`inline_waivers`), not an entry of a waivers file.
    inline: bool = False

    def matches(self, finding: Finding) -> bool:
        """Whether this waiver names ``finding``'s rule and resource."""
        return finding.rule_id == self.rule_id and fnmatch.fnmatchcase(finding.urn,
                                                                       self.resource)

    def expired(self, today: datetime.date) -> bool:
        """Whether ``today`` is past the expiry day."""
        return today > self.expires

    @property
    def unfinished(self) -> bool:
        """Whether its owner or reason is still ``TODO`` (as a baseline writes them)."""
        return any(_TODO.match(value) for value in (self.owner, self.reason))


_TODO = re.compile(r"todo\b", re.IGNORECASE)


def schema() -> dict[str, Any]:
    """The JSON Schema of a waivers file."""
    data = pkgutil.get_data("custodes", "waivers.schema.json")  # as the catalogue's file
    if data is None:
        raise InputError("the bundled waivers.schema.json cannot be read")
    document: dict[str, Any] = json.loads(data)
    return document


def _entry_lines(text: str) -> list[int]:
    """The line (1-based) of each entry of ``waivers``, in order."""
    from custodes.yaml_safe import entry_lines

    return entry_lines(text, "waivers")


def _location(error: jsonschema.ValidationError) -> str:
    parts: list[str] = []
    for part in error.absolute_path:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part}]"]
        else:
            parts.append(str(part))
    return ".".join(parts) or "the file"


def parse_waivers(text: str, where: str) -> tuple[Waiver, ...]:
    """The waivers of a file's text; :class:`InputError` naming the entry for anything bad."""
    document = load_yaml(text, where, kind="a waivers file", dates_as_text=True)
    lines = _entry_lines(text)  # valid YAML, and bounded: loaded just above
    if document is None:
        return ()
    import jsonschema  # only with a waivers file: a tenth of the start-up time otherwise

    validator = jsonschema.Draft202012Validator(schema())
    invalid = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if invalid is not None:
        location = _location(invalid)
        if location.endswith(".expires"):
            raise InputError(f"{where}: {location}: {shown(invalid.instance)} is not a date "
                             "as YYYY-MM-DD")
        # jsonschema's message quotes the offending value: keep it to one short line.
        message = invalid.message if len(invalid.message) <= 160 else \
            f"{invalid.message[:157]}..."
        raise InputError(f"{where}: {location}: {message}")
    rules = catalogue()
    waivers: list[Waiver] = []
    for index, entry in enumerate(document["waivers"]):
        name = f"waivers[{index}]"
        if entry["rule"] in WAIVER_RULES:
            raise InputError(f"{where}: {name}.rule: {entry['rule']} judges the waivers "
                             "file itself and cannot be waived")
        if entry["rule"] not in rules:
            raise InputError(f"{where}: {name}.rule: unknown rule id {shown(entry['rule'])} "
                             "(see `custodes rules`)")
        try:
            expires = datetime.date.fromisoformat(entry["expires"])
        except ValueError:
            raise InputError(f"{where}: {name}.expires: {shown(entry['expires'])} is not a "
                             "calendar date") from None
        line = lines[index] if index < len(lines) else 1
        waivers.append(Waiver(entry["rule"], entry["resource"].strip(), entry["reason"].strip(),
                              entry["owner"].strip(), expires, SourcePosition(where, line)))
    return tuple(waivers)


def load_waivers(path: str | None, cwd: Path | None = None) -> tuple[Waiver, ...]:
    """The waivers of ``path``; with ``None``, of ``custodes-waivers.yaml`` here if present."""
    here = cwd or Path.cwd()
    if path is None:
        if not (here / DEFAULT_FILE).is_file():
            return ()
        path = DEFAULT_FILE
    file = here / path
    text = read_settings_text(file, "waivers", path)
    return parse_waivers(text, display_path(file, here))


def _waiver_finding(rule: Rule, waiver: Waiver, message: str) -> Finding:
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        severity=rule.severity,
        enforcement=rule.enforcement,
        urn=waiver.resource,
        type=WAIVER_TYPE,
        name=f"{'inline ' if waiver.inline else ''}waiver of {waiver.rule_id}",
        message=finding_message(message),
        remediation=rule.remediation,
        source_position=waiver.source,
    )


def _owned_by(waiver: Waiver) -> str:
    return f" (owner {waiver.owner})" if waiver.owner else ""


def _counted(findings: Sequence[Finding]) -> str:
    """What happens to the findings an expired waiver no longer covers, said as it is."""
    if not findings:
        return "it covers nothing now, and matched no finding of this run"
    mandatory = sum(1 for finding in findings if finding.enforcement == "mandatory")
    advisory = len(findings) - mandatory
    parts = []
    if mandatory:
        parts.append(f"{mandatory} mandatory (they fail the run)")
    if advisory:
        parts.append(f"{advisory} advisory (reported; they fail the run only with "
                     "--fail-on advisory)")
    noun = "finding" if len(findings) == 1 else "findings"
    return f"it no longer waives {len(findings)} {noun}: {' and '.join(parts)}"


def apply_waivers(report: Report, waivers: Sequence[Waiver],
                  today: datetime.date | None = None) -> Report:
    """``report`` with waived findings marked and the waivers' own findings added.

    ``today`` decides expiry (default: the real date); the same date gives the
    same report.
    """
    if not waivers:
        return report
    today = today or datetime.date.today()
    active = [index for index, waiver in enumerate(waivers) if not waiver.expired(today)]
    used: set[int] = set()
    findings: list[Finding] = []
    for finding in report.findings:
        matching = [index for index in active if waivers[index].matches(finding)]
        used.update(matching)
        if matching and not finding.waived:
            waiver = waivers[matching[0]]
            finding = replace(finding, waived=True, waiver_reason=waiver.reason, waiver=waiver)
        findings.append(finding)
    for index, waiver in enumerate(waivers):
        if waiver.expired(today):
            uncovered = [finding for finding in report.findings
                         if not finding.waived and waiver.matches(finding)]
            findings.append(_waiver_finding(
                EXPIRED, waiver,
                f"expired on {waiver.expires.isoformat()}{_owned_by(waiver)}: "
                f"{_counted(uncovered)}"))
            continue
        if index not in used:
            findings.append(_waiver_finding(
                UNMATCHED, waiver,
                f"matches no finding of {waiver.rule_id}{_owned_by(waiver)}"))
        if waiver.unfinished:
            missing = " and ".join(name for name, value in (("owner", waiver.owner),
                                                           ("reason", waiver.reason))
                                   if _TODO.match(value))
            findings.append(_waiver_finding(
                UNOWNED, waiver, f"its {missing} {'is' if ' and ' not in missing else 'are'} "
                                 "still TODO: nobody has accepted this risk yet"))
    return report.with_findings(findings)


# Inline waivers: a comment in the program, beside the resource it waives.

# Anything that starts like a waiver comment; what does not then read as one is reported.
_INLINE_START = re.compile(r"(?:#|//)\s*custodes\s*:", re.IGNORECASE)
_INLINE = re.compile(
    r"(?:#|//) custodes: waive (?P<rule>[a-z0-9][a-z0-9-]*) until "
    r"(?P<expires>\d{4}-\d{2}-\d{2}) -- (?P<reason>\S.*?)\s*$")
# Program files larger than this are not searched for waiver comments.
MAX_PROGRAM_BYTES = 16 * 1024 * 1024


@record
class InlineWaivers:
    """The waiver comments of a program: the waivers, and a finding per unreadable comment."""

    waivers: tuple[Waiver, ...] = ()
    findings: tuple[Finding, ...] = ()


def _glob_literal(text: str) -> str:
    """``text`` as an ``fnmatch`` pattern that matches only itself."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _comment_lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(line number, the comment from its marker, whether the line is only that comment)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if "custodes" not in line:
            continue
        match = _INLINE_START.search(line)
        if match is not None:
            yield number, line[match.start():].rstrip(), not line[:match.start()].strip()


def _read_program(file: Path) -> str | None:
    try:
        if file.stat().st_size > MAX_PROGRAM_BYTES:
            return None
        return file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def inline_waivers(resources: Iterable[Resource], project_dir: Path,
                   cwd: Path | None = None) -> InlineWaivers:
    """The waiver comments in the program files that declared ``resources``.

    Each resource's ``source_position`` is a line of a file relative to
    ``project_dir`` (or absolute). A comment
    ``# custodes: waive RULE_ID until YYYY-MM-DD -- REASON`` (``//`` in
    languages that comment so) at the end of a declaring line, or alone on
    the line(s) above it, waives that rule on the resources declared there.
    Positions in the result are relative to the repository root, as reports
    name them (:func:`custodes.positions.relocate`). A file that cannot be read
    waives nothing (its findings stay).
    """
    declared: dict[str, dict[int, list[str]]] = {}
    for resource in resources:
        position = resource.source_position
        if position is not None and "://" not in position.file:
            declared.setdefault(position.file, {}).setdefault(position.line, []).append(
                resource.urn)
    rules = catalogue()
    waivers: list[Waiver] = []
    problems: list[Finding] = []
    for file in sorted(declared):
        text = _read_program(Path(project_dir) / file)
        if text is None or "custodes" not in text:
            continue
        lines = declared[file]
        comments = list(_comment_lines(text))
        alone = {number for number, _, only in comments if only}
        for number, comment, only in comments:
            shown_at = relocate(SourcePosition(file, number), Path(project_dir), cwd)
            assert shown_at is not None
            target = number
            if only:  # the declaration below it, past other comment lines
                target = number + 1
                while target in alone:
                    target += 1
            match = _INLINE.match(comment)
            problem = None
            expires = None
            if match is None:
                problem = ("cannot be read: write it as `# custodes: waive RULE_ID until "
                           "YYYY-MM-DD -- REASON`")
            elif match["rule"] in WAIVER_RULES or match["rule"] not in rules:
                problem = f"names no rule custodes can waive: {shown(match['rule'])}"
            else:
                try:
                    expires = datetime.date.fromisoformat(match["expires"])
                except ValueError:
                    problem = f"{shown(match['expires'])} is not a calendar date"
            urns = lines.get(target, [])
            if problem is None and not urns:
                problem = ("declares no resource here: put it at the end of the line that "
                           "declares the resource, or alone on the line above it")
            if problem is not None or match is None or expires is None:
                problems.append(Finding(
                    rule_id=INLINE.id, title=INLINE.title, severity=INLINE.severity,
                    enforcement=INLINE.enforcement, urn=str(shown_at), type=WAIVER_TYPE,
                    name="waiver comment", message=f"waiver comment {problem}",
                    remediation=INLINE.remediation, source_position=shown_at))
                continue
            waivers.extend(
                Waiver(match["rule"], _glob_literal(urn), match["reason"], "", expires,
                       shown_at, inline=True)
                for urn in sorted(set(urns)))
    return InlineWaivers(tuple(waivers), tuple(problems))


# A baseline: one waiver per current finding, for a team adopting custodes on an estate.

DEFAULT_BASELINE_DAYS = 90


def _yaml_text(value: str) -> str:
    """``value`` as a YAML double-quoted scalar (JSON's string syntax is one)."""
    return json.dumps(value, ensure_ascii=False)


def baseline(report: Report, days: int = DEFAULT_BASELINE_DAYS,
             today: datetime.date | None = None) -> str:
    """A waivers file with one waiver per finding of ``report`` (waivers already applied).

    A finding a waivers-file entry already covers keeps that entry's reason,
    owner and expiry; one an inline comment covers is left to the comment;
    every other finding gets a waiver whose ``owner`` and ``reason`` are
    ``TODO`` (an advisory finding until filled in) and that expires ``days``
    days after ``today``. The waivers' own findings cannot be waived and are
    left out. Sorted as the report is: the same report gives the same file.
    """
    today = today or datetime.date.today()
    default_expiry = today + datetime.timedelta(days=days)
    entries: dict[tuple[str, str], tuple[str, str, datetime.date]] = {}
    for finding in report.findings:
        if finding.rule_id in WAIVER_RULES or (finding.rule_id, finding.urn) in entries:
            continue
        waiver = finding.waiver if isinstance(finding.waiver, Waiver) else None
        if waiver is not None and waiver.inline:
            continue
        if waiver is not None:
            entries[(finding.rule_id, finding.urn)] = (waiver.owner, waiver.reason,
                                                       waiver.expires)
        else:
            entries[(finding.rule_id, finding.urn)] = ("TODO", "TODO", default_expiry)
    lines = [
        f"# Written by `custodes check --baseline-out` on {today.isoformat()}: one waiver per",
        "# finding, so the gate can be turned on today. Fill in each TODO (who owns the risk,",
        "# and why it is accepted), fix the findings and delete their waivers before they",
        "# expire.",
        "version: 1",
        "waivers:" if entries else "waivers: []",
    ]
    for (rule_id, urn), (owner, reason, expires) in entries.items():
        lines += [
            f"  - rule: {rule_id}",
            f"    resource: {_yaml_text(_glob_literal(urn))}",
            f"    owner: {_yaml_text(owner)}",
            f"    reason: {_yaml_text(reason)}",
            f"    expires: {expires.isoformat()}",
        ]
    return "\n".join(lines) + "\n"
