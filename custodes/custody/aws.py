"""AWS custody: SEV-SNP and Nitro Enclaves workloads, KMS key custody and release.

Facts (``shared/reference/confidential-cloud-facts.md``, checked against
pulumi-aws 7: ``aws.ec2.InstanceCpuOptionsArgs.amd_sev_snp``,
``InstanceEnclaveOptionsArgs.enabled``, ``aws.kms.Key.custom_key_store_id`` /
``xks_key_id``, ``aws.kms.CustomKeyStore.custom_key_store_type``):

* no ``kmsKeyId`` (or ``alias/aws/*``) on an EBS device is the AWS-managed key,
  unless the stack sets ``aws:ebs/defaultKmsKey`` — then the account default is used;
* a key in a CloudHSM key store is customer-hsm, in an external (XKS) key store
  customer-external, otherwise customer-kms;
* KMS releases to a Nitro enclave only on ``kms:RecipientAttestation:*``
  conditions, and only for requests that carry an attestation document: an
  unconditioned Allow lets the parent decrypt in the clear.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from custodes.custody import CustodyLevel, KeyCustody, Workload, weakest
from custodes.custody.shapes import Shape, Switch
from custodes.model import UNKNOWN, Graph, Resource, Secret

INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
VOLUME = "aws:ebs/volume:Volume"
VOLUME_ATTACHMENT = "aws:ec2/volumeAttachment:VolumeAttachment"
DEFAULT_KMS_KEY = "aws:ebs/defaultKmsKey:DefaultKmsKey"
ENCRYPTION_BY_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault"
KMS_KEY = "aws:kms/key:Key"
KMS_ALIAS = "aws:kms/alias:Alias"
KMS_EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey"
KMS_REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
CUSTOM_KEY_STORE = "aws:kms/customKeyStore:CustomKeyStore"
IAM_ROLE = "aws:iam/role:Role"
IAM_INSTANCE_PROFILE = "aws:iam/instanceProfile:InstanceProfile"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_POLICY = "aws:iam/policy:Policy"
IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

KEY_TYPES = (KMS_KEY, KMS_ALIAS, KMS_EXTERNAL_KEY, KMS_REPLICA_KEY)

_EC2_SWITCHES = (Switch("cpuOptions.amdSevSnp", "sev-snp"),
                 Switch("enclaveOptions.enabled", "nitro-enclaves"))
# The shapes of AWS confidential workloads (see custodes.custody.shapes).
SHAPES: Mapping[str, Shape] = {
    INSTANCE: Shape(INSTANCE, _EC2_SWITCHES, size="instanceType"),
    LAUNCH_TEMPLATE: Shape(LAUNCH_TEMPLATE, _EC2_SWITCHES, size="instanceType"),
}
WORKLOAD_TYPES = tuple(SHAPES)
# Every type this module reads; the no-silent-pass net scans the others.
MODELLED_TYPES = (*SHAPES, VOLUME, VOLUME_ATTACHMENT, DEFAULT_KMS_KEY, ENCRYPTION_BY_DEFAULT,
                  *KEY_TYPES, CUSTOM_KEY_STORE, IAM_ROLE, IAM_INSTANCE_PROFILE,
                  IAM_ROLE_POLICY, IAM_POLICY, IAM_ROLE_POLICY_ATTACHMENT)
# Types with a confidential-computing input that custodes deliberately does not model.
OUT_OF_SCOPE: Mapping[str, str] = {}


def is_confidential(resource: Resource) -> bool | None:
    """Whether a resource of a shape type turns a TEE on (``None`` when unknown)."""
    shape = SHAPES.get(resource.type)
    return None if shape is None else shape.confidential(resource)

# Operations that hand key material or plaintext to the caller.
RELEASE_ACTIONS = (
    "kms:decrypt",
    "kms:generatedatakey",
    "kms:generatedatakeywithoutplaintext",
    "kms:generatedatakeypair",
    "kms:generatedatakeypairwithoutplaintext",
    "kms:derivesharedsecret",
)
ATTESTATION_CONDITION_PREFIX = "kms:recipientattestation:"
_ALL_ZERO = re.compile(r"^0+$")
_ACCOUNT_ROOT = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:root$|^\d{12}$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/(?P<path>(?:[^/]+/)*)(?P<name>[^/]+)$")


def is_sev_snp(resource: Resource) -> bool | None:
    """Whether AMD SEV-SNP is on (``None`` when the setting is unknown)."""
    value = resource.get("cpuOptions.amdSevSnp")
    if value is UNKNOWN:
        return None
    return isinstance(value, str) and value.lower() == "enabled"


def is_enclave_parent(resource: Resource) -> bool | None:
    """Whether Nitro Enclaves are enabled (``None`` when the setting is unknown)."""
    value = resource.get("enclaveOptions.enabled")
    if value is UNKNOWN:
        return None
    return value is True or (isinstance(value, str) and value.lower() == "true")


def instance_type(resource: Resource) -> Any:
    """The declared instance type of an Instance or LaunchTemplate."""
    return resource.get("instanceType")


# --- key custody -----------------------------------------------------------


def key_custody(graph: Graph, key: Resource, seen: frozenset[str] = frozenset()) -> tuple[
    CustodyLevel | None, str
]:
    """The custody level of a KMS key resource of the stack, with the reason."""
    if key.urn in seen:
        return None, "alias cycle"
    if key.type == KMS_ALIAS:
        target = key.get("targetKeyId")
        reference = graph.reference(key, "targetKeyId", target, KEY_TYPES)
        return _reference_custody(graph, reference.state, reference.candidates, target,
                                  seen | {key.urn})
    if key.type == KMS_EXTERNAL_KEY:
        return CustodyLevel.CUSTOMER_KMS, f"imported key material ({key.name}) held by AWS KMS"
    if key.type == KMS_REPLICA_KEY:
        primary = key.get("primaryKeyArn")
        reference = graph.reference(key, "primaryKeyArn", primary, KEY_TYPES)
        return _reference_custody(graph, reference.state, reference.candidates, primary,
                                  seen | {key.urn})
    xks_key = key.get("xksKeyId")
    store_id = key.get("customKeyStoreId")
    if isinstance(xks_key, str) and xks_key:
        return CustodyLevel.CUSTOMER_EXTERNAL, f"key {key.name} is held in an external key store"
    if store_id is None or store_id == "":
        return CustodyLevel.CUSTOMER_KMS, f"customer key {key.name} in the multi-tenant AWS KMS"
    reference = graph.reference(key, "customKeyStoreId", store_id, (CUSTOM_KEY_STORE,))
    store = reference.target
    if store is None:
        return None, f"key {key.name} is in custom key store {_shown(store_id)}, outside the stack"
    store_type = store.get("customKeyStoreType")
    if store_type is UNKNOWN:
        return None, f"the type of key store {store.name} is unknown"
    if store_type == "EXTERNAL_KEY_STORE":
        return CustodyLevel.CUSTOMER_EXTERNAL, f"key {key.name} in external key store {store.name}"
    return CustodyLevel.CUSTOMER_HSM, f"key {key.name} in CloudHSM key store {store.name}"


def _shown(value: Any) -> str:
    return "(unknown)" if value is UNKNOWN else str(value)


def _reference_custody(
    graph: Graph,
    state: str,
    candidates: tuple[Resource, ...],
    value: Any,
    seen: frozenset[str] = frozenset(),
) -> tuple[CustodyLevel | None, str]:
    if state == "resolved":
        results = [key_custody(graph, candidate, seen) for candidate in candidates]
        level = weakest(level for level, _ in results)
        return level, "; ".join(sorted({note for _, note in results}))
    if isinstance(value, str) and _is_aws_managed_alias(value):
        return CustodyLevel.PROVIDER, f"AWS-managed key {value}"
    if state == "external":
        return None, f"key {value} is outside the stack; its custody cannot be told"
    return None, "the key is an unknown value that no resource of the stack accounts for"


def _is_aws_managed_alias(value: str) -> bool:
    return bool(re.search(r"(^|:)alias/aws/", value))


def disk_key(graph: Graph, owner: Resource, path: str, value: Any) -> KeyCustody:
    """The custody of the key at ``path`` of ``owner`` (a ``kmsKeyId`` or ``None``)."""
    if value is None or value == "":
        default = _account_default_key(graph)
        if default is not None:
            level, note = default
            return KeyCustody(path, level, f"account default EBS key: {note}")
        return KeyCustody(path, CustodyLevel.PROVIDER, "no kmsKeyId: the AWS-managed key aws/ebs")
    reference = graph.reference(owner, path, value, KEY_TYPES)
    level, note = _reference_custody(graph, reference.state, reference.candidates, value)
    key = reference.target
    if key is not None:
        bound = release_binding(graph, key).bound
    else:
        # An AWS-managed key is released to whoever AWS lets use it: never on attestation.
        bound = False if level is CustodyLevel.PROVIDER else None
    return KeyCustody(path, level, note, key, bound)


def _account_default_key(graph: Graph) -> tuple[CustodyLevel | None, str] | None:
    for default in graph.of_type(DEFAULT_KMS_KEY):
        value = default.get("keyArn")
        reference = graph.reference(default, "keyArn", value, KEY_TYPES)
        return _reference_custody(graph, reference.state, reference.candidates, value)
    return None


def _encrypted(value: Any) -> bool | None:
    if value is UNKNOWN:
        return None
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _device_keys(graph: Graph, resource: Resource) -> Iterator[KeyCustody]:
    if resource.type == INSTANCE:
        devices = [("rootBlockDevice", resource.get("rootBlockDevice"))]
        devices += list(resource.values("ebsBlockDevices[]"))
        key_field, encrypted_field = "kmsKeyId", "encrypted"
    else:
        devices = [
            (f"{path}.ebs", mapping.get("ebs") if isinstance(mapping, Mapping) else None)
            for path, mapping in resource.values("blockDeviceMappings[]")
        ]
        devices = [(path, ebs) for path, ebs in devices if ebs is not None]
        key_field, encrypted_field = "kmsKeyId", "encrypted"
        if not devices:
            # A launch template without mappings keeps the AMI's volumes.
            devices = [("blockDeviceMappings", None)]
    by_default = any(
        _encrypted(setting.get("enabled")) for setting in graph.of_type(ENCRYPTION_BY_DEFAULT)
    )
    for path, device in devices:
        if device is UNKNOWN:
            yield KeyCustody(path, None, "the block device settings are unknown", None, None)
            continue
        device = device if isinstance(device, Mapping) else {}
        key_path = f"{path}.{key_field}"
        key_value = device.get(key_field)
        encrypted = _encrypted(device.get(encrypted_field))
        if key_value in (None, "") and encrypted is False and not by_default:
            yield KeyCustody(key_path, CustodyLevel.PROVIDER, "the volume is not encrypted")
            continue
        yield disk_key(graph, resource, key_path, key_value)
    if resource.type == INSTANCE:
        yield from _attached_volume_keys(graph, resource)


def _attached_volume_keys(graph: Graph, instance: Resource) -> Iterator[KeyCustody]:
    attachments = graph.referrers((VOLUME_ATTACHMENT,), "instanceId", (INSTANCE,))
    for attachment in attachments.get(instance.urn, ()):
        volume = graph.reference(attachment, "volumeId", attachment.get("volumeId"), (VOLUME,))
        for candidate in volume.candidates:
            custody = disk_key(graph, candidate, "kmsKeyId", candidate.get("kmsKeyId"))
            yield KeyCustody(
                f"volume {candidate.name}.kmsKeyId", custody.level, custody.note,
                custody.key, custody.attestation_bound,
            )


# --- key policies and enclave release ----------------------------------------


@dataclass(frozen=True)
class Statement:
    """One statement of a key or IAM policy, normalised."""

    effect: str
    principals: tuple[str, ...]  # "*" for anyone; ARNs or account ids otherwise
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]]

    def allows_release(self) -> bool:
        return any(_action_covers(action, wanted)
                   for action in self.actions for wanted in RELEASE_ACTIONS)

    def attestation_values(self) -> dict[str, tuple[str, ...]]:
        """The ``kms:RecipientAttestation:*`` condition keys and values of the statement."""
        found: dict[str, tuple[str, ...]] = {}
        for keys in self.conditions.values():
            for key, values in keys.items():
                if key.lower().startswith(ATTESTATION_CONDITION_PREFIX):
                    found[key] = values
        return found


def _action_covers(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action, pattern.lower())


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def parse_policy(policy: Any) -> list[Statement] | None:
    """The statements of a policy document (a JSON string or a mapping).

    ``None`` when the policy is unknown or cannot be read.
    """
    if isinstance(policy, Secret):
        policy = policy.reveal()
    if policy is UNKNOWN or policy is None:
        return None
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except (ValueError, RecursionError):  # not JSON, or nested past the stack
            return None
    if not isinstance(policy, Mapping):
        return None
    raw = policy.get("Statement")
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        return None
    statements = []
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        principal = item.get("Principal")
        if principal == "*":
            principals: tuple[str, ...] = ("*",)
        elif isinstance(principal, Mapping):
            principals = tuple(p for value in principal.values() for p in _strings(value))
        else:
            principals = ()
        conditions: dict[str, dict[str, tuple[str, ...]]] = {}
        raw_conditions = item.get("Condition")
        if isinstance(raw_conditions, Mapping):
            for operator, keys in raw_conditions.items():
                if isinstance(keys, Mapping):
                    conditions[str(operator)] = {str(k): _strings(v) for k, v in keys.items()}
        statements.append(
            Statement(
                effect=str(item.get("Effect", "")).lower(),
                principals=principals,
                actions=tuple(a.lower() for a in _strings(item.get("Action"))),
                resources=_strings(item.get("Resource")),
                conditions=conditions,
            )
        )
    return statements


@dataclass(frozen=True)
class ReleaseBinding:
    """Whether a KMS key releases only to attested enclaves of the stack's parents.

    ``bound`` is ``True`` when every grant that reaches a parent role is
    conditioned on attestation, ``False`` when a grant is not, ``None`` when
    the policy cannot be read. ``problems`` says what breaks the binding.
    """

    bound: bool | None
    problems: tuple[str, ...] = ()
    roles: tuple[Resource, ...] = field(default=())


def enclave_parent_roles(graph: Graph) -> Mapping[str, tuple[Resource, ...]]:
    """The IAM roles of Nitro Enclaves parents, keyed by role URN, with their parents.

    Computed once per graph.
    """
    def build(graph: Graph) -> Mapping[str, tuple[Resource, ...]]:
        roles: dict[str, list[Resource]] = {}
        for parent in graph.of_type(*WORKLOAD_TYPES):
            if is_enclave_parent(parent) is not True:
                continue
            for role in instance_roles(graph, parent):
                roles.setdefault(role.urn, []).append(parent)
        return {urn: tuple(parents) for urn, parents in roles.items()}

    return graph.derived(("aws-enclave-parent-roles",), build)


def instance_roles(graph: Graph, instance: Resource) -> list[Resource]:
    """The IAM roles an instance or launch template runs as."""
    if instance.type == LAUNCH_TEMPLATE:
        profile_value = instance.get("iamInstanceProfile.arn")
        if profile_value is None or profile_value == "":  # never the truth of an unknown
            profile_value = instance.get("iamInstanceProfile.name")
        path = "iamInstanceProfile"
    else:
        profile_value, path = instance.get("iamInstanceProfile"), "iamInstanceProfile"
    profiles = graph.reference(instance, path, profile_value, (IAM_INSTANCE_PROFILE,)).candidates
    roles: list[Resource] = []
    for profile in profiles:
        role_value = profile.get("role")
        for role in graph.reference(profile, "role", role_value, (IAM_ROLE,)).candidates:
            if role not in roles:
                roles.append(role)
    return roles


def _principal_is_role(graph: Graph, principal: str, role: Resource) -> bool:
    if principal == "*":
        return True
    if role in graph.find(principal, (IAM_ROLE,)):
        return True
    # A role being created has no ARN yet (a preview); a literal ARN still names it
    # by path and name, which are inputs.
    match = _ROLE_ARN.match(principal)
    if match is None or isinstance(role.output("arn"), str):
        return False
    if role.get("name") != match["name"]:
        return False
    path = role.get("path")
    if path is UNKNOWN:
        # Same name, path not known yet: the grant may well name this role.
        return True
    return bool((path or "/") == f"/{match['path']}")


def _covers_key(graph: Graph, patterns: tuple[str, ...], key: Resource | None) -> bool:
    """Whether an IAM statement's ``Resource`` patterns may include ``key``."""
    if key is None or not patterns:
        return True
    arn = key.output("arn")
    for pattern in patterns:
        if pattern == "*" or key in graph.find(pattern, KEY_TYPES):
            return True
        # A wildcard may name this key, all the more when its ARN is not known yet.
        wildcard = "*" in pattern or "?" in pattern
        if wildcard and (not isinstance(arn, str) or fnmatch.fnmatchcase(arn, pattern)):
            return True
    return False


def _role_iam_grants_release(graph: Graph, role: Resource,
                             key: Resource | None = None) -> bool | None:
    """Whether the role's own IAM policies allow a release action on KMS keys (on ``key``)."""
    documents: list[Any] = []
    inline = role.get("inlinePolicies")
    if isinstance(inline, list):
        documents.extend(p.get("policy") for p in inline if isinstance(p, Mapping))
    role_policies = graph.referrers((IAM_ROLE_POLICY,), "role", (IAM_ROLE,))
    documents.extend(policy.get("policy") for policy in role_policies.get(role.urn, ()))
    attachments = graph.referrers((IAM_ROLE_POLICY_ATTACHMENT,), "role", (IAM_ROLE,))
    for attachment in attachments.get(role.urn, ()):
        arn = attachment.get("policyArn")
        managed = graph.reference(attachment, "policyArn", arn, (IAM_POLICY,))
        if managed.state == "external" and isinstance(arn, str):
            # AWS-managed policies that grant KMS decryption to everything.
            if arn.endswith(("/AdministratorAccess", "/PowerUserAccess")):
                return True
            continue
        documents.extend(p.get("policy") for p in managed.candidates)
    unknown = False
    for document in documents:
        statements = parse_policy(document)
        if statements is None:
            unknown = True
            continue
        if any(s.effect == "allow" and s.allows_release() and _covers_key(graph, s.resources, key)
               for s in statements):
            return True
    return None if unknown else False


@dataclass(frozen=True)
class _ParentRoles:
    """The enclave parents' roles in order, and those whose IAM may grant release."""

    roles: tuple[Resource, ...]
    position: Mapping[str, int]
    # Roles whose own IAM policies allow release, or cannot be read: the only ones an
    # account-root grant in a key policy can reach.
    through_iam: tuple[Resource, ...]
    # Roles without an ARN yet (being created), by (name, path): what a literal role
    # ARN names in a preview (see _principal_is_role).
    without_arn: Mapping[tuple[str, str], tuple[Resource, ...]]


def _parent_roles(graph: Graph) -> _ParentRoles:
    def build(graph: Graph) -> _ParentRoles:
        found = (graph.get(urn) for urn in enclave_parent_roles(graph))
        roles = tuple(role for role in found if role is not None)
        without_arn: dict[tuple[str, str], list[Resource]] = {}
        for role in roles:
            name, path = role.get("name"), role.get("path")
            if not isinstance(role.output("arn"), str) and isinstance(name, str):
                if path is UNKNOWN:
                    # Any path: an ARN with this name may name the role.
                    without_arn.setdefault((name, "*"), []).append(role)
                elif path is None or isinstance(path, str):
                    without_arn.setdefault((name, path or "/"), []).append(role)
        return _ParentRoles(
            roles,
            {role.urn: index for index, role in enumerate(roles)},
            tuple(role for role in roles if _role_iam_grants_release(graph, role) is not False),
            {name: tuple(found) for name, found in without_arn.items()},
        )

    return graph.derived(("aws-enclave-parent-role-list",), build)


def _roles_in_reach(graph: Graph, statements: list[Statement],
                    parents: _ParentRoles) -> list[Resource]:
    """The parent roles that some statement may name, in parent order.

    A role that no principal names, whose IAM policies grant no release, is
    untouched by every statement; leaving it out keeps a key's binding
    proportional to the roles that matter instead of to all roles of the stack.
    """
    principals = [p for statement in statements for p in statement.principals]
    if "*" in principals:
        return list(parents.roles)
    reach: dict[str, Resource] = {}
    for principal in principals:
        if _ACCOUNT_ROOT.match(principal):
            reach.update((role.urn, role) for role in parents.through_iam)
        named = graph.find(principal, (IAM_ROLE,))
        match = None if named else _ROLE_ARN.match(principal)
        if match is not None:
            named = [*parents.without_arn.get((match["name"], f"/{match['path']}"), ()),
                     *parents.without_arn.get((match["name"], "*"), ())]
        for role in named:
            if role.urn in parents.position:
                reach[role.urn] = role
    return sorted(reach.values(), key=lambda role: parents.position[role.urn])


def release_binding(graph: Graph, key: Resource | None) -> ReleaseBinding:
    """How a KMS key of the stack releases to the stack's Nitro Enclaves parents.

    Computed once per key and graph.
    """
    if key is None or key.type != KMS_KEY:
        return ReleaseBinding(False)
    bindings: dict[str, ReleaseBinding] = graph.derived(("aws-release-bindings",),
                                                        lambda graph: {})
    binding = bindings.get(key.urn)
    if binding is None:
        binding = bindings[key.urn] = _release_binding(graph, key)
    return binding


def _release_binding(graph: Graph, key: Resource) -> ReleaseBinding:
    parents = _parent_roles(graph)
    policy = key.get("policy")
    if policy is None or policy == "":
        # The default key policy lets the whole account use the key through IAM.
        statements: list[Statement] | None = [
            Statement("allow", ("arn:aws:iam::000000000000:root",), ("kms:*",), ("*",), {})
        ]
    else:
        statements = parse_policy(policy)
    if statements is None:
        return ReleaseBinding(None, ("the key policy is unknown or cannot be read",))
    problems: list[str] = []
    reached: list[Resource] = []
    conditioned = False
    for role in _roles_in_reach(graph, statements, parents):
        denies_unattested = any(
            s.effect == "deny" and s.allows_release() and s.attestation_values()
            and any(_principal_is_role(graph, p, role) or _ACCOUNT_ROOT.match(p) for p in
                    s.principals)
            for s in statements
        )
        for statement in statements:
            if statement.effect != "allow" or not statement.allows_release():
                continue
            direct = any(_principal_is_role(graph, p, role) for p in statement.principals)
            through_iam = any(_ACCOUNT_ROOT.match(p) for p in statement.principals)
            if not direct and through_iam:
                iam = _role_iam_grants_release(graph, role, key)
                if iam is None:
                    problems.append(f"the IAM policies of role {role.name} are unknown")
                    continue
                direct = iam
            if not direct:
                continue
            if role not in reached:
                reached.append(role)
            attestation = statement.attestation_values()
            if not attestation:
                if not denies_unattested:
                    problems.append(
                        f"role {role.name} of an enclave parent may decrypt without an "
                        "attestation document (a grant with no kms:RecipientAttestation condition)"
                    )
                continue
            conditioned = True
            zeros = [key for key, values in attestation.items()
                     if values and all(_ALL_ZERO.match(v) for v in values)]
            if zeros:
                problems.append(
                    f"the condition on {', '.join(sorted(zeros))} is all zeros, which admits "
                    "debug-mode enclaves"
                )
    if not reached:
        return ReleaseBinding(False, (), ())
    if problems:
        return ReleaseBinding(False, tuple(dict.fromkeys(problems)), tuple(reached))
    return ReleaseBinding(conditioned, (), tuple(reached))


def _keys_by_role(graph: Graph) -> tuple[tuple[Resource, ...], Mapping[str, tuple[int, ...]]]:
    """The KMS keys, and the positions of those that release to each parent role (by URN)."""
    def build(graph: Graph) -> tuple[tuple[Resource, ...], Mapping[str, tuple[int, ...]]]:
        keys = tuple(graph.of_type(KMS_KEY))
        index: dict[str, list[int]] = {}
        for position, key in enumerate(keys):
            for role in release_binding(graph, key).roles:
                index.setdefault(role.urn, []).append(position)
        return keys, {urn: tuple(positions) for urn, positions in index.items()}

    return graph.derived(("aws-keys-by-parent-role",), build)


def _enclave_keys(graph: Graph, parent: Resource) -> Iterator[KeyCustody]:
    roles = instance_roles(graph, parent)
    if not roles:
        return
    keys, by_role = _keys_by_role(graph)
    positions = sorted({position for role in roles for position in by_role.get(role.urn, ())})
    for position in positions:
        key = keys[position]
        binding = release_binding(graph, key)
        level, note = key_custody(graph, key)
        yield KeyCustody(f"enclave key {key.name}", level, note, key, binding.bound)


# --- workloads ---------------------------------------------------------------


def workloads(graph: Graph) -> Iterator[Workload]:
    """Every SEV-SNP or Nitro Enclaves instance and launch template of the stack."""
    for resource in graph.of_type(*WORKLOAD_TYPES):
        technologies: list[str] = []
        founders: list[str] = []
        if is_sev_snp(resource):
            technologies.append("sev-snp")
            founders.append("AMD")
        if is_enclave_parent(resource):
            technologies.append("nitro-enclaves")
            founders.append("AWS")
        if not technologies:
            continue
        keys = list(_device_keys(graph, resource))
        keys.extend(_enclave_keys(graph, resource))
        enclave = "nitro-enclaves" in technologies
        bound = enclave and any(key.attestation_bound for key in keys)
        yield Workload(
            resource=resource,
            cloud="aws",
            provider="AWS",
            technologies=tuple(technologies),
            founders=tuple(founders),
            keys=tuple(keys),
            # KMS checks the enclave's attestation document against the PCRs the
            # customer wrote into the key policy; SEV-SNP reports have no
            # provider-side verifier at all.
            attestation_policy="customer" if bound else "unassigned",
            attestation_verifier="provider" if enclave else "unassigned",
        )
