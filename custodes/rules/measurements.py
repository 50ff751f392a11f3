"""Approved measurements: every attestation pin of the stack names a release you approved.

A key policy, IAM policy or workload identity condition that pins a measurement —
Nitro Enclaves ``kms:RecipientAttestation:ImageSha384``/``PCR<n>``, NitroTPM
``kms:RecipientAttestation:NitroTPMPCR<n>``, a Confidential Space
``image_digest`` in an attribute condition or a key's IAM grant — must pin only
values the configuration approves. The approved values come from the release
pipeline: ``nitro-cli describe-eif`` (``Measurements``), ``nitro-tpm-pcr-compute``
and the container registry's digest (see README, "Measurements").

An approved entry is one release: the ``Measurements`` of one ``describe-eif`` (PCR0,
PCR1, PCR2, PCR8 of one EIF build) or of one ``nitro-tpm-pcr-compute`` run (PCR4, PCR7,
PCR12 of one attestable AMI; EC2 User Guide, "Compute PCR measurements for a custom
AMI", prints ``{"Measurements": {"HashAlgorithm": …, "PCR4": …, "PCR7": …, "PCR12":
…}}``). Each statement's pins are judged together (:func:`uncovered`): every
combination of values it admits must be one entry's.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from custodes.custody import aws as aws_facts
from custodes.custody import gcp as gcp_facts
from custodes.model import UNKNOWN, Resource
from custodes.rules.registry import Context, Outcome, Unresolved, Violation, rule

RULE_ID = "custodes-attestation-require-approved-measurement"
_HEX = {"type": "string", "pattern": "^[0-9a-fA-F]{1,192}$"}
_MEASUREMENTS = {
    "type": "array",
    "default": [],
    "items": {"type": "object",
              "patternProperties": {"^(PCR[0-9]{1,2}|ImageSha384)$": _HEX}},
}
CONFIG = {
    "nitroEnclaves": {**_MEASUREMENTS, "description": "Approved Nitro Enclaves images: "
                      "each the Measurements object of one `nitro-cli describe-eif` (PCR0, "
                      "PCR1, PCR2, PCR8 …; other keys such as HashAlgorithm are ignored). "
                      "A condition's pins must all come from one entry."},
    "nitroTpm": {**_MEASUREMENTS, "description": "Approved attestable AMIs: each the "
                 "Measurements object of one `nitro-tpm-pcr-compute` run (PCR4, PCR7, "
                 "PCR12). A condition's pins must all come from one entry."},
    "confidentialSpaceImageDigests": {
        "type": "array", "default": [],
        "items": {"type": "string", "pattern": "^sha256:[0-9a-fA-F]{64}$"},
        "description": "Approved Confidential Space container image digests (sha256:…).",
    },
}
# Where each type keeps its policy documents: (list of inline policies or None, the
# document field, the name field of a list entry).
_AWS_DOCUMENTS: Mapping[str, tuple[str | None, str, str]] = {
    aws_facts.KMS_KEY: (None, "policy", ""),
    aws_facts.KMS_KEY_POLICY: (None, "policy", ""),
    aws_facts.NATIVE_KMS_KEY: (None, "keyPolicy", ""),
    aws_facts.IAM_ROLE_POLICY: (None, "policy", ""),
    aws_facts.IAM_POLICY: (None, "policy", ""),
    aws_facts.NATIVE_IAM_ROLE_POLICY: (None, "policyDocument", ""),
    aws_facts.NATIVE_MANAGED_POLICY: (None, "policyDocument", ""),
    aws_facts.IAM_ROLE: ("inlinePolicies[]", "policy", "name"),
    aws_facts.NATIVE_IAM_ROLE: ("policies[]", "policyDocument", "policyName"),
}
_TECHNOLOGY_CONFIG = {"nitro-enclaves": "nitroEnclaves", "nitro-tpm": "nitroTpm"}


def approved_entries(entries: Iterable[Any]) -> list[dict[int, str]]:
    """Each configured entry as PCR number → value (lower-case hex); ``ImageSha384`` is
    PCR0 (an entry naming both keeps ``PCR0``). Keys that name no register
    (``HashAlgorithm``) are dropped, and so are entries that name none."""
    found: list[dict[int, str]] = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        registers: dict[int, str] = {}
        for name, value in entry.items():
            if not isinstance(value, str):
                continue
            if name == "ImageSha384":
                registers.setdefault(0, value.lower())
            elif name.startswith("PCR") and name[3:].isdigit():
                registers[int(name[3:])] = value.lower()
        if registers:
            found.append(registers)
    return found


def _head(value: str) -> str:
    """The first 12 characters of a measurement, as messages name it."""
    return f"{value[:12]}…"


def uncovered(pins: list[tuple[str, int, tuple[str, ...]]],
              entries: list[dict[int, str]]) -> Iterator[str]:
    """What of one condition's pins no single approved entry covers, as message text.

    ``pins`` are (condition key, register, accepted values) of one statement: AWS ANDs
    the condition keys of a statement and ORs the values of one key, so the statement
    admits every combination of one value per key. An approved entry is one release's
    measurements (``describe-eif``: PCR0, PCR1, PCR2, PCR8 of one EIF build;
    ``nitro-tpm-pcr-compute``: PCR4, PCR7, PCR12 of one image): a combination is
    approved only when one entry names every register it pins with that value — PCR0
    of build A with PCR8 of build B is no approved release.

    A register no entry names (a PCR3 or PCR4 pin when the entries list PCR0/1/2/8) is
    reported as a violation, not as unresolved: the issue asks that a condition "pin
    only approved values" and that "a pin on anything else" be a violation, and a value
    nobody approved is not approved. custodes has looked (the value is in the policy);
    there is nothing it could not read. To approve a deployment binding (PCR3, the
    parent role; PCR4, the parent instance), write that register into the entry of the
    release it belongs to.
    """
    named = {pcr for entry in entries for pcr in entry}
    problem = False
    for key, pcr, values in pins:
        if pcr not in named:
            problem = True
            yield (f"{key} = {_head(values[0]) if values else '(nothing)'}, a register no "
                   "approved entry names")
            continue
        known = {entry[pcr] for entry in entries if pcr in entry}
        for value in values:
            if value.lower() not in known:
                problem = True
                yield f"{key} = {_head(value)}, which is not an approved measurement"
    if problem or len(pins) < 2:
        return
    # Every value is approved on its own: is each combination one entry's? An entry
    # covers at most one combination, so count those covered against all admitted.
    wanted = [tuple(dict.fromkeys(v.lower() for v in values)) for _, _, values in pins]
    covered = {combination for entry in entries
               if all(entry.get(pcr) in values for (_, pcr, _), values in zip(pins, wanted, strict=True))
               for combination in [tuple(entry[pcr] for _, pcr, _ in pins)]}
    if len(covered) == math.prod(len(values) for values in wanted):
        return
    for combination in itertools.product(*wanted):
        if combination not in covered:
            pairs = " with ".join(f"{key} = {_head(value)}"
                                  for (key, _, _), value in zip(pins, combination, strict=True))
            yield f"{pairs}, a combination no single approved entry has (mixed releases)"
            return


def _documents(resource: Resource) -> Iterator[tuple[str, Any]]:
    """(place, document) of each policy document the resource itself carries."""
    listed, field, name_field = _AWS_DOCUMENTS[resource.type]
    if listed is not None:
        for _, entry in resource.values(listed):
            if isinstance(entry, Mapping):
                yield (f"inline policy {entry.get(name_field)} of role {resource.name}",
                       entry.get(field))
            else:
                yield f"an inline policy of role {resource.name}", UNKNOWN
        return
    if resource.type in (aws_facts.KMS_KEY, aws_facts.NATIVE_KMS_KEY, aws_facts.KMS_KEY_POLICY):
        place = "the key policy"
    elif resource.type in (aws_facts.IAM_POLICY, aws_facts.NATIVE_MANAGED_POLICY):
        place = f"managed policy {resource.name}"
    else:
        place = f"inline policy {resource.name}"
    yield place, resource.get(field)


def _aws_conditions(resource: Resource) -> Iterator[tuple[str, str, Any]]:
    """(place, technology, pins) of every statement of the resource's own policy documents
    that pins measurements; pins are (condition key, register, values). A document that
    cannot be read is ``(place, "", UNKNOWN)``."""
    for place, document in _documents(resource):
        if document is None or document == "":
            continue
        statements = aws_facts.parse_policy(document, place)
        if statements is None:
            yield place, "", UNKNOWN
            continue
        for statement in statements:
            by_technology: dict[str, list[tuple[str, int, tuple[str, ...]]]] = {}
            for pin in (*statement.pins(), *statement.pins(negated=True)):
                by_technology.setdefault(pin.measurement.technology, []).append(
                    (pin.measurement.name, pin.measurement.pcr, pin.values))
            for technology, pins in sorted(by_technology.items()):
                yield place, technology, pins


@rule(
    id=RULE_ID,
    title="Attestation conditions pin only approved measurements",
    severity="high",
    enforcement="advisory",
    strict="mandatory",
    types=(*_AWS_DOCUMENTS, gcp_facts.WORKLOAD_IDENTITY_POOL_PROVIDER,
           *gcp_facts.RELEASE_GRANT_TYPES),
    config=CONFIG,
    rationale="""A pin is only as good as the image it names: deciding which enclave image,
        attestable AMI or container may have a key is the customer's duty. After a
        rebuild the old image's PCR0 or digest stays in the policy and still gets the
        key; a test image pinned once and forgotten does too. Every pin must be a
        release the customer approved, and the pins of one condition one release: PCR0
        of one build with PCR8 of another admits neither. A register no approved entry
        names (PCR3, PCR4) is no approved value either. Not configured, the rule finds
        nothing.""",
    remediation="""Pass the release pipeline's measurements (nitro-cli describe-eif,
        nitro-tpm-pcr-compute, the registry's image digest) in the rule's configuration
        or with `custodes check --measurements FILE`, and remove pins on anything else.""",
)
def approved_measurement(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every measurement pinned in a key policy, IAM policy, Confidential Space condition
    or key grant is an approved one."""
    config = context.config
    if resource.type.startswith("gcp:"):
        digests = {str(d).lower() for d in config.get("confidentialSpaceImageDigests") or ()}
        if not digests:
            return
        for place, digest in gcp_facts.pinned_digests(context.graph, resource):
            if digest is UNKNOWN:
                yield Unresolved(f"{place} is unknown: which image digest it pins cannot be told")
            elif str(digest).lower() not in digests:
                yield Violation(f"{place} pins image digest {str(digest)[:12]}…, which is not "
                                "an approved measurement")
        return
    approved = {technology: approved_entries(config.get(name) or ())
                for technology, name in _TECHNOLOGY_CONFIG.items()}
    if not any(approved.values()):
        return
    for place, technology, pins in _aws_conditions(resource):
        if pins is UNKNOWN:
            yield Unresolved(f"{place} is unknown: which measurements it pins cannot be told")
            continue
        entries = approved[technology]
        if not entries:
            continue  # nothing approved for this technology: not judged
        for problem in uncovered(pins, entries):
            yield Violation(f"{place} pins {problem}")
