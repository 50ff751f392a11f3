"""Approved measurements: every attestation pin of the stack names a release you approved.

A key policy, IAM policy or workload identity condition that pins a measurement —
Nitro Enclaves ``kms:RecipientAttestation:ImageSha384``/``PCR<n>``, NitroTPM
``kms:RecipientAttestation:NitroTPMPCR<n>``, a Confidential Space
``image_digest`` in an attribute condition or a key's IAM grant — must pin only
values the configuration approves. The approved values come from the release
pipeline: ``nitro-cli describe-eif`` (``Measurements``), ``nitro-tpm-pcr-compute``
and the container registry's digest (see README, "Measurements").
"""

from __future__ import annotations

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
                      "each the Measurements object of `nitro-cli describe-eif` (PCR0, "
                      "PCR1, PCR2, PCR8 …; other keys such as HashAlgorithm are ignored)."},
    "nitroTpm": {**_MEASUREMENTS, "description": "Approved attestable AMIs: the PCRs "
                 "`nitro-tpm-pcr-compute` prints (PCR4, PCR7, PCR12)."},
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


def approved_values(entries: Iterable[Any]) -> dict[int, set[str]]:
    """PCR number → the approved values (lower-case hex) of the configured entries;
    ``ImageSha384`` is PCR0."""
    approved: dict[int, set[str]] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        for name, value in entry.items():
            if not isinstance(value, str):
                continue
            if name == "ImageSha384":
                approved.setdefault(0, set()).add(value.lower())
            elif name.startswith("PCR") and name[3:].isdigit():
                approved.setdefault(int(name[3:]), set()).add(value.lower())
    return approved


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


def _aws_pins(resource: Resource) -> Iterator[tuple[str, str, Any]]:
    """(place, condition key, (measurement, value)) of every pin in the resource's own
    policy documents; ``(place, "", UNKNOWN)`` for a document that cannot be read."""
    for place, document in _documents(resource):
        if document is None or document == "":
            continue
        statements = aws_facts.parse_policy(document, place)
        if statements is None:
            yield place, "", UNKNOWN
            continue
        for statement in statements:
            for pin in (*statement.pins(), *statement.pins(negated=True)):
                for value in pin.values:
                    yield place, pin.measurement.name, (pin.measurement, value)


@rule(
    id=RULE_ID,
    title="Attestation conditions pin only approved measurements",
    severity="high",
    enforcement="advisory",
    strict="mandatory",
    types=(*_AWS_DOCUMENTS, gcp_facts.WORKLOAD_IDENTITY_POOL_PROVIDER,
           gcp_facts.CRYPTO_KEY_IAM_MEMBER, gcp_facts.CRYPTO_KEY_IAM_BINDING),
    config=CONFIG,
    rationale="""A pin is only as good as the image it names: deciding which enclave image,
        attestable AMI or container may have a key is the customer's duty. After a
        rebuild the old image's PCR0 or digest stays in the policy and still gets the
        key; a test image pinned once and forgotten does too. Every pin must be a
        release the customer approved. Not configured, the rule finds nothing.""",
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
    approved = {technology: approved_values(config.get(name) or ())
                for technology, name in _TECHNOLOGY_CONFIG.items()}
    if not any(approved.values()):
        return
    for place, key, found in _aws_pins(resource):
        if found is UNKNOWN:
            yield Unresolved(f"{place} is unknown: which measurements it pins cannot be told")
            continue
        measured, value = found
        wanted = approved[measured.technology]
        if not wanted:
            continue  # nothing approved for this technology: not judged
        values = wanted.get(measured.pcr)
        if values is None:
            continue  # no approved release names this register (PCR3/PCR4 of a deployment)
        if value.lower() not in values:
            yield Violation(f"{place} pins {key} = {value[:12]}…, which is not an approved "
                            "measurement")
