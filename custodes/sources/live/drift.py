"""Drift: where the deployed custody differs from the declared one.

The custody analysis runs on the stack's export and on the live graph; for
every declared confidential workload the two pictures are compared slot by
slot (root disk, each data disk by device name or LUN, each enclave key):
a technology gone, a key swapped, a custody level or an attestation binding
lost. Key-bearing resources (KMS keys, key stores, disk encryption sets,
vault keys, crypto keys) are also compared on the few properties that decide
custody. A declared resource that the read did not find is missing — or, when
a read gap covers its type, cannot be verified.

Each difference becomes a ``custodes:audit:Drift`` node of the graph; the
rules ``custodes-audit-custody-drift`` and ``custodes-audit-resource-missing``
turn them into findings. Values are compared, never printed when secret.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from custodes.custody import CustodyAnalysis, KeyCustody, Workload, analyse
from custodes.custody import aws as aws_facts
from custodes.custody import azure as azure_facts
from custodes.custody import gcp as gcp_facts
from custodes.model import UNKNOWN, Graph, Resource, Secret, normalise_identifier
from custodes.model.audit import DRIFT
from custodes.sources.live import live_urn, short_hash

# Properties that decide the custody of key-bearing resources, compared when declared.
CUSTODY_PROPERTIES: dict[str, tuple[str, ...]] = {
    aws_facts.KMS_KEY: ("policy", "customKeyStoreId", "xksKeyId", "isEnabled"),
    aws_facts.CUSTOM_KEY_STORE: ("customKeyStoreType", "cloudHsmClusterId",
                                 "xksProxyUriEndpoint", "xksProxyConnectivity"),
    azure_facts.VIRTUAL_MACHINE: (f"{azure_facts.CONFIDENTIAL_PATH}.securityEncryptionType",
                                  "securityProfile.uefiSettings.vTpmEnabled",
                                  "securityProfile.uefiSettings.secureBootEnabled"),
    azure_facts.DISK_ENCRYPTION_SET: ("encryptionType", "activeKey.keyUrl"),
    azure_facts.KEY: ("properties.kty", "properties.attributes.exportable",
                      "properties.releasePolicy.data"),
    azure_facts.VAULT: ("properties.sku.name",),
    azure_facts.MANAGED_HSM: ("sku.name",),
    gcp_facts.CRYPTO_KEY: ("versionTemplate.protectionLevel", "cryptoKeyBackend"),
}
_JSON_PATHS = {"policy"}
_IDENTIFIER_PATHS = {"customKeyStoreId", "activeKey.keyUrl", "cryptoKeyBackend"}
_LIST_ITEM = re.compile(r"^(?P<list>[A-Za-z.]+)\[(?P<index>\d+)\](?P<rest>.*)$")
_ATTACHED_VOLUME = re.compile(r"^volume (?P<name>.+)\.kmsKeyId$")


def change(subject: str, aspect: str, declared: str, live: str) -> dict[str, str]:
    """One difference: what (subject), which aspect, and the two sides in words."""
    return {"subject": subject, "aspect": aspect, "declared": declared, "live": live}


# --- workloads ---------------------------------------------------------------


def _slot(graph: Graph, workload: Workload, key: KeyCustody) -> str:
    """A name for what a key protects that is the same in the export and live.

    List positions become the item's device name (or LUN), and volumes attached
    with a VolumeAttachment become the device they are attached as, which is
    how the live instance lists them.
    """
    resource = workload.resource
    if key.path.startswith("enclave key ") and key.key is not None:
        return f"enclave key {key.key.name}"
    attached = _ATTACHED_VOLUME.match(key.path)
    if attached:
        device = _attachment_device(graph, resource, attached.group("name"))
        if device:
            return f"ebsBlockDevices[{device}].kmsKeyId"
    found = _LIST_ITEM.match(key.path)
    if found:
        items = resource.get(found.group("list"))
        index = int(found.group("index"))
        if isinstance(items, list) and index < len(items) and isinstance(items[index], Mapping):
            item = items[index]
            label = item.get("deviceName") or item.get("lun") or item.get("name")
            if isinstance(label, str | int) and not isinstance(label, bool):
                return f"{found.group('list')}[{label}]{found.group('rest')}"
    return key.path


def _attachment_device(graph: Graph, instance: Resource, volume_name: str) -> str | None:
    for attachment in graph.of_type(aws_facts.VOLUME_ATTACHMENT):
        target = graph.reference(attachment, "instanceId", attachment.get("instanceId"),
                                 (aws_facts.INSTANCE,))
        volume = graph.reference(attachment, "volumeId", attachment.get("volumeId"),
                                 (aws_facts.VOLUME,)).target
        if instance in target.candidates and volume is not None and volume.name == volume_name:
            device = attachment.get("deviceName")
            return device if isinstance(device, str) else None
    return None


def _slots(graph: Graph, workload: Workload | None) -> dict[str, KeyCustody]:
    if workload is None:
        return {}
    return {_slot(graph, workload, key): key for key in workload.keys}


def _key_words(key: KeyCustody) -> str:
    if key.key is not None:
        return f"key {key.key.name} ({key.label})"
    return f"{key.label}: {key.note}"


def _bound_words(bound: bool | None) -> str:
    return {True: "attestation-bound", False: "not attestation-bound", None: "unknown"}[bound]


def workload_changes(declared: Graph, live: Graph, declared_custody: CustodyAnalysis,
                     live_custody: CustodyAnalysis, urn: str) -> list[dict[str, str]]:
    """How a declared workload's live TEE and key custody differ from the declared ones."""
    was = declared_custody.workload(urn)
    if was is None:
        return []
    now = live_custody.workload(urn)
    changes: list[dict[str, str]] = []
    lost = [t for t in was.technologies if now is None or t not in now.technologies]
    if lost:
        changes.append(change("workload", "confidential setting", "/".join(was.technologies),
                              "/".join(now.technologies) if now else "not confidential"))
    if now is None:
        return changes
    before, after = _slots(declared, was), _slots(live, now)
    for slot in sorted(set(before) | set(after)):
        old, new = before.get(slot), after.get(slot)
        if new is None and old is not None:
            changes.append(change(slot, "device", _key_words(old), "not found live"))
            continue
        if old is None and new is not None:
            changes.append(change(slot, "device", "not declared", _key_words(new)))
            continue
        assert old is not None and new is not None
        if old.level is None:
            continue  # the declared custody was never known: nothing to drift from
        if old.key is not None and new.key is not None and old.key.urn != new.key.urn:
            changes.append(change(slot, "key", _key_words(old), _key_words(new)))
        elif old.level != new.level:
            changes.append(change(slot, "custody", _key_words(old), _key_words(new)))
        if old.attestation_bound is True and new.attestation_bound is not True:
            changes.append(change(slot, "attested release", _bound_words(old.attestation_bound),
                                  _bound_words(new.attestation_bound)))
    return changes


# --- key-bearing properties -----------------------------------------------------


def _canonical_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _canonical_json(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        if len(items) == 1:
            return items[0]  # IAM treats "x" and ["x"] alike
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def _comparable(resource: Resource, path: str) -> Any:
    if path == "properties.releasePolicy.data":
        policy = azure_facts.release_policy(resource)
        return None if policy is None or policy is UNKNOWN else _canonical_json(policy)
    value = resource.get(path)
    if value is None or value is UNKNOWN or isinstance(value, Secret):
        return None
    if path in _JSON_PATHS and isinstance(value, str):
        try:
            return _canonical_json(json.loads(value))
        except ValueError:
            return value
    if path in _IDENTIFIER_PATHS and isinstance(value, str):
        return normalise_identifier(value).lower()
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, str):
        return value.lower()
    return value


def _shown(resource: Resource, path: str) -> str:
    value = resource.get(path)
    return "(not set)" if value is None or value is UNKNOWN else str(value)


def property_changes(declared: Resource, live: Resource) -> list[dict[str, str]]:
    """The custody-deciding properties a declared resource sets that differ live."""
    changes = []
    for path in CUSTODY_PROPERTIES.get(declared.type, ()):
        want = _comparable(declared, path)
        if want is None:
            continue  # not declared: the provider's default is not drift
        have = _comparable(live, path)
        if have != want:
            if path in _JSON_PATHS or path.endswith("releasePolicy.data"):
                changes.append(change(path, "document", "the stack's version",
                                      "a different version" if have is not None else "none"))
            else:
                changes.append(change(path, "setting", _shown(declared, path),
                                      _shown(live, path)))
    return changes


# --- records -----------------------------------------------------------------


def record(declared: Resource, status: str, changes: Iterable[Mapping[str, str]] = (),
           reason: str | None = None) -> Resource:
    """A drift node for one declared resource."""
    props: dict[str, Any] = {
        "declaredUrn": declared.urn,
        "declaredType": declared.type,
        "declaredName": declared.name,
        "declaredId": declared.id,
        "status": status,
        "changes": [dict(c) for c in changes],
    }
    if reason:
        props["reason"] = reason
    return Resource(
        urn=live_urn("audit", DRIFT, short_hash(declared.urn)),
        type=DRIFT,
        name=declared.name,
        props=props,
    )


def drift_records(declared: Graph, live: Graph, matches: Mapping[str, Resource],
                  covered: Callable[[Resource], bool],
                  gap_types: Iterable[str]) -> list[Resource]:
    """One drift node per declared resource that is missing or whose custody changed.

    ``matches`` maps declared URNs to the live resources found for them (which
    carry the same URN in ``live``); ``covered`` says whether the audit read
    where a declared resource lives (its type, region, subscription, project);
    ``gap_types`` are the types a read gap leaves unverified.
    """
    unverified = set(gap_types)
    declared_custody, live_custody = analyse(declared), analyse(live)
    records: list[Resource] = []
    for resource in sorted(declared, key=lambda r: r.urn):
        if not resource.custom or not resource.id or not covered(resource):
            continue
        found = matches.get(resource.urn)
        if found is None:
            if resource.type in unverified:
                records.append(record(resource, "unverifiable",
                                      reason="a read of this type failed"))
            else:
                records.append(record(resource, "missing"))
            continue
        changes = workload_changes(declared, live, declared_custody, live_custody, resource.urn)
        changes += property_changes(resource, found)
        if changes:
            records.append(record(resource, "changed", changes))
    return records

