"""AWS custody: SEV-SNP and Nitro Enclaves workloads, KMS key custody and release.

Facts (``shared/reference/confidential-cloud-facts.md``), every property path below
checked against the installed SDKs, pulumi-aws 7.51 and pulumi-aws-native 1.84
(the ``*Args`` input types named beside each shape in :data:`SHAPES`):

* no ``kmsKeyId`` (or ``alias/aws/*``) on an EBS device is the AWS-managed key,
  unless the stack sets ``aws:ebs/defaultKmsKey`` — then the account default is used;
* a key in a CloudHSM key store is customer-hsm, in an external (XKS) key store
  customer-external, otherwise customer-kms (``aws.kms.Key.custom_key_store_id`` /
  ``xks_key_id``, ``aws.kms.CustomKeyStore.custom_key_store_type``). An
  ``aws-native:kms:Key`` is always held by the multi-tenant AWS KMS: its only
  key-material input is ``origin`` (``KeyOrigin``: ``AWS_KMS``, or ``EXTERNAL`` for
  imported material), and CloudFormation "doesn't support creating an Origin
  parameter of the AWS_CLOUDHSM or EXTERNAL_KEY_STORE values" (``kms/_enums.py``);
* KMS releases to a Nitro enclave only on ``kms:RecipientAttestation:*``
  conditions, and only for requests that carry an attestation document: an
  unconditioned Allow lets the parent decrypt in the clear.

Workloads are read through one table of shapes, :data:`SHAPES` (type token →
:class:`AwsShape`): where the SEV-SNP and enclave switches are, the instance
type, the block devices and their keys, the instance profile or role, the launch
templates a resource names and the instance types that override a template's.
A fleet, Auto Scaling group, EKS node group or Batch compute environment has no
switch of its own: it is judged through the launch template it names — the
template's technologies, devices, keys and roles are its own, and an override of
the instance type is its size. ``aws-native:ec2:Instance`` declares no
``cpuOptions.amdSevSnp`` (``CpuOptionsPropertiesArgs`` has ``core_count`` and
``threads_per_core`` only, as CloudFormation's ``AWS::EC2::Instance`` CpuOptions;
SEV-SNP comes through its ``launchTemplate``), but the switch is read there too:
an input that carries it is judged, never passed.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import field
from typing import Any, Final

from custodes.custody import CustodyLevel, KeyCustody, Workload, weakest
from custodes.custody.shapes import UNKNOWN_TECHNOLOGY, Shape, Switch, founders
from custodes.model import UNKNOWN, Graph, Reference, Resource, Secret, plain, readable
from custodes.records import record

INSTANCE = "aws:ec2/instance:Instance"
SPOT_INSTANCE_REQUEST = "aws:ec2/spotInstanceRequest:SpotInstanceRequest"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
FLEET = "aws:ec2/fleet:Fleet"
SPOT_FLEET_REQUEST = "aws:ec2/spotFleetRequest:SpotFleetRequest"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
BATCH_COMPUTE_ENVIRONMENT = "aws:batch/computeEnvironment:ComputeEnvironment"
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
IAM_POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
KMS_GRANT = "aws:kms/grant:Grant"
# aws-native (CloudFormation) equivalents; CloudFormation has no KMS grant resource.
NATIVE_KMS_KEY = "aws-native:kms:Key"
NATIVE_IAM_ROLE = "aws-native:iam:Role"
NATIVE_IAM_ROLE_POLICY = "aws-native:iam:RolePolicy"
NATIVE_MANAGED_POLICY = "aws-native:iam:ManagedPolicy"
# aws-native workloads and what they read (see SHAPES).
NATIVE_INSTANCE = "aws-native:ec2:Instance"
NATIVE_LAUNCH_TEMPLATE = "aws-native:ec2:LaunchTemplate"
NATIVE_EC2_FLEET = "aws-native:ec2:Ec2Fleet"
NATIVE_SPOT_FLEET = "aws-native:ec2:SpotFleet"
NATIVE_AUTOSCALING_GROUP = "aws-native:autoscaling:AutoScalingGroup"
NATIVE_EKS_NODEGROUP = "aws-native:eks:Nodegroup"
NATIVE_BATCH_COMPUTE_ENVIRONMENT = "aws-native:batch:ComputeEnvironment"
NATIVE_WORKSPACE_INSTANCE = "aws-native:workspacesinstances:WorkspaceInstance"
NATIVE_VOLUME = "aws-native:ec2:Volume"
NATIVE_VOLUME_ATTACHMENT = "aws-native:ec2:VolumeAttachment"
NATIVE_KMS_ALIAS = "aws-native:kms:Alias"
NATIVE_KMS_REPLICA_KEY = "aws-native:kms:ReplicaKey"
NATIVE_IAM_INSTANCE_PROFILE = "aws-native:iam:InstanceProfile"

# What exposes an enclave parent (read by the parent-exposure rules).
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SUBNET = "aws:ec2/subnet:Subnet"
EIP = "aws:ec2/eip:Eip"
EXPOSURE_TYPES = (SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE, SUBNET, EIP)

KEY_TYPES = (KMS_KEY, KMS_ALIAS, KMS_EXTERNAL_KEY, KMS_REPLICA_KEY,
             NATIVE_KMS_KEY, NATIVE_KMS_ALIAS, NATIVE_KMS_REPLICA_KEY)
ROLE_TYPES = (IAM_ROLE, NATIVE_IAM_ROLE)
TEMPLATE_TYPES = (LAUNCH_TEMPLATE, NATIVE_LAUNCH_TEMPLATE)
VOLUME_TYPES = (VOLUME, NATIVE_VOLUME)
PROFILE_TYPES = (IAM_INSTANCE_PROFILE, NATIVE_IAM_INSTANCE_PROFILE)
MANAGED_POLICY_TYPES = (IAM_POLICY, NATIVE_MANAGED_POLICY)
POLICY_TYPES = (KMS_KEY_POLICY, KMS_GRANT, IAM_ROLE_POLICY, IAM_POLICY,
                IAM_ROLE_POLICY_ATTACHMENT, IAM_POLICY_ATTACHMENT, NATIVE_IAM_ROLE,
                NATIVE_IAM_ROLE_POLICY, NATIVE_MANAGED_POLICY)

# --- shapes ------------------------------------------------------------------


@record
class Devices:
    """Where a shape declares EBS devices: ``path`` (``[]`` for a list), and under
    ``ebs`` of each entry the ``kmsKeyId`` and ``encrypted`` settings.

    ``default`` names the device judged when none is declared there (an instance's
    root volume, a template's AMI volumes): the AWS-managed key unless the account
    default says otherwise.
    """

    path: str
    ebs: str = ""
    default: str | None = None


@record
class TemplateSpec:
    """Where a shape names a launch template: the object at ``path`` (``[]`` for a
    list) holds its ``id`` and ``name`` fields."""

    path: str
    id: str = "id"
    name: str = "name"


@record
class AwsShape(Shape):
    """An AWS workload shape (see the module docstring; paths are under ``prefix``).

    ``profiles``: paths of the instance profile, first set wins (ARN before name);
    ``roles``: paths naming the IAM role the instances run as directly (EKS);
    ``templates``: the launch templates it names; ``overrides``: instance types that
    replace the templates' (``[]`` steps allowed); ``requirements``: attribute-based
    instance selection, which names no type; ``hibernation``: the hibernation switch;
    ``volumes``: attached volumes by id; ``attachments``: whether volume attachments
    (``aws:ec2/volumeAttachment``, ``aws-native:ec2:VolumeAttachment``) name it.
    """

    devices: tuple[Devices, ...] = ()
    profiles: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    templates: tuple[TemplateSpec, ...] = ()
    overrides: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    hibernation: tuple[str, ...] = ()
    volumes: str | None = None
    attachments: bool = False


_EC2_SWITCHES = (Switch("cpuOptions.amdSevSnp", "sev-snp"),
                 Switch("enclaveOptions.enabled", "nitro-enclaves"))
_MAPPINGS = Devices("blockDeviceMappings[]", "ebs", default="blockDeviceMappings")
_TEMPLATE_PROFILE = ("iamInstanceProfile.arn", "iamInstanceProfile.name")
_NATIVE_SPEC = TemplateSpec("launchTemplate", "launchTemplateId", "launchTemplateName")
# An Auto Scaling group's mixed instances policy (the same fields in both providers): its
# template, and each override's.
_MIXED_INSTANCES_SPECS = (
    TemplateSpec("mixedInstancesPolicy.launchTemplate.launchTemplateSpecification",
                 "launchTemplateId", "launchTemplateName"),
    TemplateSpec("mixedInstancesPolicy.launchTemplate.overrides[].launchTemplateSpecification",
                 "launchTemplateId", "launchTemplateName"),
)


def _instance(token: str) -> AwsShape:
    # aws.ec2.InstanceArgs / SpotInstanceRequestArgs: cpu_options.amd_sev_snp,
    # enclave_options.enabled, instance_type, root_block_device / ebs_block_devices
    # (.kms_key_id, .encrypted), iam_instance_profile (a name), launch_template
    # (InstanceLaunchTemplateArgs: id, name, version), hibernation.
    return AwsShape(
        token, _EC2_SWITCHES, size="instanceType",
        devices=(Devices("rootBlockDevice", default="rootBlockDevice"),
                 Devices("ebsBlockDevices[]")),
        profiles=("iamInstanceProfile",), templates=(TemplateSpec("launchTemplate"),),
        hibernation=("hibernation",), attachments=True,
    )


# The shapes of AWS confidential workloads (see custodes.custody.shapes).
SHAPES: Mapping[str, AwsShape] = {
    INSTANCE: _instance(INSTANCE),
    SPOT_INSTANCE_REQUEST: _instance(SPOT_INSTANCE_REQUEST),
    # aws.ec2.LaunchTemplateArgs: cpu_options.amd_sev_snp, enclave_options.enabled,
    # instance_type, instance_requirements, block_device_mappings[].ebs.{kms_key_id,
    # encrypted}, iam_instance_profile.{arn, name}, hibernation_options.configured.
    LAUNCH_TEMPLATE: AwsShape(
        LAUNCH_TEMPLATE, _EC2_SWITCHES, size="instanceType", devices=(_MAPPINGS,),
        profiles=_TEMPLATE_PROFILE, requirements=("instanceRequirements",),
        hibernation=("hibernationOptions.configured",),
    ),
    # aws.ec2.FleetArgs.launch_template_configs[]: launch_template_specification
    # (launch_template_id, launch_template_name), overrides[].{instance_type,
    # instance_requirements}.
    FLEET: AwsShape(
        FLEET, (),
        templates=(TemplateSpec("launchTemplateConfigs[].launchTemplateSpecification",
                                "launchTemplateId", "launchTemplateName"),),
        overrides=("launchTemplateConfigs[].overrides[].instanceType",),
        requirements=("launchTemplateConfigs[].overrides[].instanceRequirements",),
    ),
    # aws.ec2.SpotFleetRequestArgs.launch_template_configs[]: launch_template_specification
    # (id, name), overrides[].{instance_type, instance_requirements}. Its inline
    # launch_specifications have no cpu_options or enclave_options.
    SPOT_FLEET_REQUEST: AwsShape(
        SPOT_FLEET_REQUEST, (),
        templates=(TemplateSpec("launchTemplateConfigs[].launchTemplateSpecification"),),
        overrides=("launchTemplateConfigs[].overrides[].instanceType",),
        requirements=("launchTemplateConfigs[].overrides[].instanceRequirements",),
    ),
    # aws.autoscaling.GroupArgs: launch_template (id, name), mixed_instances_policy
    # .launch_template.{launch_template_specification (launch_template_id,
    # launch_template_name), overrides[].{instance_type, instance_requirements,
    # launch_template_specification}}.
    AUTOSCALING_GROUP: AwsShape(
        AUTOSCALING_GROUP, (),
        templates=(
            TemplateSpec("launchTemplate"),
            *_MIXED_INSTANCES_SPECS,
        ),
        overrides=("mixedInstancesPolicy.launchTemplate.overrides[].instanceType",),
        requirements=("mixedInstancesPolicy.launchTemplate.overrides[].instanceRequirements",),
    ),
    # aws.eks.NodeGroupArgs: launch_template (id, name), instance_types[],
    # node_role_arn (the nodes' role; EKS refuses a template's instance profile).
    EKS_NODE_GROUP: AwsShape(
        EKS_NODE_GROUP, (), roles=("nodeRoleArn",), templates=(TemplateSpec("launchTemplate"),),
        overrides=("instanceTypes[]",),
    ),
    # aws.batch.ComputeEnvironmentArgs.compute_resources: launch_template
    # (launch_template_id, launch_template_name), instance_types[] (types or families),
    # instance_role (an instance profile, by name or ARN).
    BATCH_COMPUTE_ENVIRONMENT: AwsShape(
        BATCH_COMPUTE_ENVIRONMENT, (), profiles=("computeResources.instanceRole",),
        templates=(TemplateSpec("computeResources.launchTemplate", "launchTemplateId",
                                "launchTemplateName"),),
        overrides=("computeResources.instanceTypes[]",),
    ),
    # pulumi_aws_native.ec2.InstanceArgs: enclave_options.enabled, instance_type,
    # block_device_mappings[].ebs.{kms_key_id, encrypted}, volumes[].volume_id,
    # iam_instance_profile (a name), launch_template (launch_template_id,
    # launch_template_name), hibernation_options.configured; cpu_options has no
    # amd_sev_snp (see the module docstring).
    NATIVE_INSTANCE: AwsShape(
        NATIVE_INSTANCE, _EC2_SWITCHES, size="instanceType", devices=(_MAPPINGS,),
        profiles=("iamInstanceProfile",), templates=(_NATIVE_SPEC,),
        hibernation=("hibernationOptions.configured",), volumes="volumes[].volumeId",
        attachments=True,
    ),
    # pulumi_aws_native.ec2.LaunchTemplateArgs.launch_template_data (LaunchTemplateDataArgs):
    # cpu_options.amd_sev_snp, enclave_options.enabled, instance_type,
    # instance_requirements, block_device_mappings[].ebs.{kms_key_id, encrypted},
    # iam_instance_profile.{arn, name}, hibernation_options.configured.
    NATIVE_LAUNCH_TEMPLATE: AwsShape(
        NATIVE_LAUNCH_TEMPLATE, _EC2_SWITCHES, size="instanceType",
        prefix="launchTemplateData.", devices=(_MAPPINGS,), profiles=_TEMPLATE_PROFILE,
        requirements=("instanceRequirements",), hibernation=("hibernationOptions.configured",),
    ),
    # pulumi_aws_native.ec2.Ec2FleetArgs.launch_template_configs[]:
    # launch_template_specification (launch_template_id, launch_template_name),
    # overrides[].{instance_type, instance_requirements, block_device_mappings[].ebs,
    # iam_instance_profile.{arn, name}}.
    NATIVE_EC2_FLEET: AwsShape(
        NATIVE_EC2_FLEET, (),
        devices=(Devices("launchTemplateConfigs[].overrides[].blockDeviceMappings[]", "ebs"),),
        templates=(TemplateSpec("launchTemplateConfigs[].launchTemplateSpecification",
                                "launchTemplateId", "launchTemplateName"),),
        overrides=("launchTemplateConfigs[].overrides[].instanceType",),
        requirements=("launchTemplateConfigs[].overrides[].instanceRequirements",),
    ),
    # pulumi_aws_native.ec2.SpotFleetArgs.spot_fleet_request_config_data
    # .launch_template_configs[]: launch_template_specification (launch_template_id,
    # launch_template_name), overrides[].{instance_type, instance_requirements}.
    NATIVE_SPOT_FLEET: AwsShape(
        NATIVE_SPOT_FLEET, (), prefix="spotFleetRequestConfigData.",
        templates=(TemplateSpec("launchTemplateConfigs[].launchTemplateSpecification",
                                "launchTemplateId", "launchTemplateName"),),
        overrides=("launchTemplateConfigs[].overrides[].instanceType",),
        requirements=("launchTemplateConfigs[].overrides[].instanceRequirements",),
    ),
    # pulumi_aws_native.autoscaling.AutoScalingGroupArgs: launch_template
    # (launch_template_id, launch_template_name), mixed_instances_policy.launch_template
    # .{launch_template_specification, overrides[].{instance_type, instance_requirements,
    # launch_template_specification}}.
    NATIVE_AUTOSCALING_GROUP: AwsShape(
        NATIVE_AUTOSCALING_GROUP, (),
        templates=(
            _NATIVE_SPEC,
            *_MIXED_INSTANCES_SPECS,
        ),
        overrides=("mixedInstancesPolicy.launchTemplate.overrides[].instanceType",),
        requirements=("mixedInstancesPolicy.launchTemplate.overrides[].instanceRequirements",),
    ),
    # pulumi_aws_native.eks.NodegroupArgs: launch_template (id, name), instance_types[],
    # node_role (the role ARN).
    NATIVE_EKS_NODEGROUP: AwsShape(
        NATIVE_EKS_NODEGROUP, (), roles=("nodeRole",),
        templates=(TemplateSpec("launchTemplate"),), overrides=("instanceTypes[]",),
    ),
    # pulumi_aws_native.batch.ComputeEnvironmentArgs.compute_resources: launch_template
    # (launch_template_id, launch_template_name, overrides[] of the same, with
    # target_instance_types[]), instance_types[], instance_role.
    NATIVE_BATCH_COMPUTE_ENVIRONMENT: AwsShape(
        NATIVE_BATCH_COMPUTE_ENVIRONMENT, (), profiles=("computeResources.instanceRole",),
        templates=(TemplateSpec("computeResources.launchTemplate", "launchTemplateId",
                                "launchTemplateName"),
                   TemplateSpec("computeResources.launchTemplate.overrides[]",
                                "launchTemplateId", "launchTemplateName")),
        overrides=("computeResources.instanceTypes[]",
                   "computeResources.launchTemplate.overrides[].targetInstanceTypes[]"),
    ),
    # pulumi_aws_native.workspacesinstances.WorkspaceInstanceArgs.managed_instance
    # (ManagedInstancePropertiesArgs): enclave_options.enabled, instance_type,
    # block_device_mappings[].ebs.{kms_key_id, encrypted}, iam_instance_profile.{arn,
    # name}, hibernation_options.configured (its cpu_options has no amd_sev_snp).
    NATIVE_WORKSPACE_INSTANCE: AwsShape(
        NATIVE_WORKSPACE_INSTANCE, _EC2_SWITCHES, size="instanceType",
        prefix="managedInstance.", devices=(_MAPPINGS,), profiles=_TEMPLATE_PROFILE,
        hibernation=("hibernationOptions.configured",),
    ),
}
WORKLOAD_TYPES = tuple(SHAPES)
# Every type this module reads; the no-silent-pass net scans the others.
MODELLED_TYPES = (*SHAPES, VOLUME, VOLUME_ATTACHMENT, DEFAULT_KMS_KEY, ENCRYPTION_BY_DEFAULT,
                  *KEY_TYPES, CUSTOM_KEY_STORE, IAM_ROLE, IAM_INSTANCE_PROFILE,
                  *POLICY_TYPES, *EXPOSURE_TYPES, NATIVE_VOLUME, NATIVE_VOLUME_ATTACHMENT,
                  NATIVE_IAM_INSTANCE_PROFILE)
# Types with a confidential-computing input that custodes deliberately does not model.
OUT_OF_SCOPE: Mapping[str, str] = {}

ATTRIBUTE_SELECTED: Final = "attribute-selected"
"""The value :func:`instance_types` gives for instances chosen by attributes
(``instanceRequirements``): no instance type is named."""


def is_confidential(resource: Resource) -> bool | None:
    """Whether a resource of a shape type turns a TEE on (``None`` when unknown).

    A resource that names a launch template and turns nothing on itself is
    confidential through the template: from the resource alone that cannot be told
    (see :func:`is_confidential_in`).
    """
    shape = SHAPES.get(resource.type)
    if shape is None:
        return None
    own = shape.confidential(resource)
    if own is False and any(True for _ in _template_specs(resource, shape)):
        return None
    return own


def is_confidential_in(resource: Resource, graph: Graph) -> bool | None:
    """Whether a resource of a shape type turns a TEE on, itself or through the launch
    templates it names (``None`` when unknown, or when a template is outside the stack)."""
    if resource.type not in SHAPES:
        return None
    found = technologies(graph, resource)
    if found:
        return None if found == (UNKNOWN_TECHNOLOGY,) else True
    if any(template.state != "resolved" for template in templates(graph, resource)):
        return None
    return False


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
    """Whether AMD SEV-SNP is on in the resource's own top-level ``cpuOptions``
    (``None`` when the setting is unknown); :func:`technologies` reads every shape."""
    value = resource.get("cpuOptions.amdSevSnp")
    if value is UNKNOWN:
        return None
    return isinstance(value, str) and value.lower() == "enabled"


def is_enclave_parent(resource: Resource) -> bool | None:
    """Whether Nitro Enclaves are enabled in the resource's own top-level
    ``enclaveOptions`` (``None`` when the setting is unknown); :func:`technologies` reads
    every shape, templates included."""
    value = resource.get("enclaveOptions.enabled")
    if value is UNKNOWN:
        return None
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _template_specs(resource: Resource, shape: AwsShape) -> Iterator[tuple[TemplateSpec, str,
                                                                             Any]]:
    for spec in shape.templates:
        for path, value in resource.values(shape.prefix + spec.path):
            if value is not None:
                yield spec, path, value


@record
class NamedTemplate:
    """A launch template a resource names at ``path``: ``state`` as for a
    :class:`~custodes.model.Reference` (``resolved`` with its ``candidates``)."""

    path: str
    state: str
    candidates: tuple[Resource, ...] = ()
    value: Any = None


def _templates_by_name(graph: Graph) -> Mapping[str, tuple[Resource, ...]]:
    def build(graph: Graph) -> Mapping[str, tuple[Resource, ...]]:
        index: dict[str, list[Resource]] = {}
        for template in graph.of_type(*TEMPLATE_TYPES):
            field_name = "name" if template.type == LAUNCH_TEMPLATE else "launchTemplateName"
            for name in (template.get(field_name), template.output(field_name)):
                if isinstance(name, str) and name:
                    bucket = index.setdefault(name, [])
                    if template not in bucket:
                        bucket.append(template)
        return {name: tuple(found) for name, found in index.items()}

    return graph.derived(("aws-launch-templates-by-name",), build)


def templates(graph: Graph, resource: Resource) -> tuple[NamedTemplate, ...]:
    """The launch templates ``resource`` names, each followed to the stack's templates.

    By id first, then by name; computed once per resource and graph.
    """
    return graph.derived_of("aws-named-templates", resource, _templates)


def _templates(graph: Graph, resource: Resource) -> tuple[NamedTemplate, ...]:
    shape = SHAPES.get(resource.type)
    if shape is None or not shape.templates:
        return ()
    return tuple(_named_templates(graph, resource, shape))


def _named_templates(graph: Graph, resource: Resource, shape: AwsShape) -> Iterator[
    NamedTemplate
]:
    for spec, path, value in _template_specs(resource, shape):
        if not isinstance(value, Mapping):
            yield NamedTemplate(path, "unknown", (), value)
            continue
        reference: Reference | None = None
        for field_name in (spec.id, spec.name):
            field_value = value.get(field_name)
            if field_value is None or field_value == "":
                continue
            reference = graph.reference(resource, f"{path}.{field_name}", field_value,
                                        TEMPLATE_TYPES)
            if reference.state == "external" and field_name == spec.name and \
                    isinstance(field_value, str):
                named = _templates_by_name(graph).get(field_value, ())
                if named:
                    reference = Reference(reference.path, field_value, "resolved", named)
            break
        if reference is None:
            continue  # a specification that names no template
        yield NamedTemplate(reference.path, reference.state, reference.candidates,
                            reference.value)


def technologies(graph: Graph, resource: Resource) -> tuple[str, ...]:
    """The TEE technologies a workload turns on, its own and its templates'.

    A switch the resource sets itself (on or off) overrides its templates', as an
    instance's parameters override its launch template's; may hold
    :data:`~custodes.custody.shapes.UNKNOWN_TECHNOLOGY`.
    """
    return graph.derived_of("aws-technologies", resource, _technologies)


# The order technologies are reported in: the EC2 switches'.
_TECHNOLOGY_ORDER = {switch.technology: index for index, switch in enumerate(_EC2_SWITCHES)}


def _technologies(graph: Graph, resource: Resource) -> tuple[str, ...]:
    shape = SHAPES.get(resource.type)
    if shape is None:
        return ()
    named = templates(graph, resource)
    if not named:
        return shape.technologies(resource)
    found = list(shape.technologies(resource))
    own = {switch.technology for switch in shape.switches
           if shape.get(resource, switch.path) is not None}
    for template in named:
        for candidate in template.candidates:
            for technology in technologies(graph, candidate):
                if technology not in own and technology not in found:
                    found.append(technology)
    if len(found) > 1 and UNKNOWN_TECHNOLOGY in found:
        found.remove(UNKNOWN_TECHNOLOGY)
    if len(found) > 1:
        found.sort(key=lambda technology: _TECHNOLOGY_ORDER.get(technology,
                                                                 len(_TECHNOLOGY_ORDER)))
    return tuple(found)


def instance_types(graph: Graph, resource: Resource) -> list[tuple[str, Any]]:
    """Every instance type a workload may launch, as ``(path, value)``.

    A resource's overrides (an Auto Scaling group's, a fleet's, a node group's
    ``instanceTypes``) replace its templates' types; otherwise its own size, or its
    templates'. ``value`` is a string, :data:`UNKNOWN`, or :data:`ATTRIBUTE_SELECTED`
    where instances are chosen by attributes; a template's entries have paths
    ``<reference> → <template>.<path>``.
    """
    shape = SHAPES.get(resource.type)
    if shape is None:
        return []
    found: list[tuple[str, Any]] = []
    for path in shape.overrides:
        found.extend((here, readable(value)) for here, value in resource.values(shape.prefix + path)
                     if value is not None)
    for path in shape.requirements:
        found.extend((here, ATTRIBUTE_SELECTED if value is not UNKNOWN else UNKNOWN)
                     for here, value in resource.values(shape.prefix + path)
                     if value is not None)
    if found:
        return found
    size = shape.size_of(resource)
    if size is not None:
        return [(shape.prefix + (shape.size or ""), size)]
    for named in templates(graph, resource):
        for template in named.candidates:
            found.extend((f"{named.path} → {template.name}.{path}", value)
                         for path, value in instance_types(graph, template))
    return found


def hibernation(graph: Graph, resource: Resource) -> Any:
    """The hibernation setting of a workload (its own, else its templates')."""
    shape = SHAPES.get(resource.type)
    if shape is None:
        return None
    for path in shape.hibernation:
        value = shape.get(resource, path)
        if value is not None:
            return value
    for named in templates(graph, resource):
        for template in named.candidates:
            value = hibernation(graph, template)
            if value is not None:
                return value
    return None

# --- key custody -----------------------------------------------------------


def key_custody(graph: Graph, key: Resource, seen: frozenset[str] = frozenset()) -> tuple[
    CustodyLevel | None, str
]:
    """The custody level of a KMS key resource of the stack, with the reason."""
    if key.urn in seen:
        return None, "alias cycle"
    if key.type in (KMS_ALIAS, NATIVE_KMS_ALIAS):
        target = key.get("targetKeyId")
        reference = graph.reference(key, "targetKeyId", target, KEY_TYPES)
        return _reference_custody(graph, reference.state, reference.candidates, target,
                                  seen | {key.urn})
    if key.type == KMS_EXTERNAL_KEY:
        return CustodyLevel.CUSTOMER_KMS, f"imported key material ({key.name}) held by AWS KMS"
    if key.type in (KMS_REPLICA_KEY, NATIVE_KMS_REPLICA_KEY):
        primary = key.get("primaryKeyArn")
        reference = graph.reference(key, "primaryKeyArn", primary, KEY_TYPES)
        return _reference_custody(graph, reference.state, reference.candidates, primary,
                                  seen | {key.urn})
    if key.type == NATIVE_KMS_KEY:
        return _native_key_custody(key)
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


def _native_key_custody(key: Resource) -> tuple[CustodyLevel | None, str]:
    """An ``aws-native:kms:Key``: always in the multi-tenant AWS KMS (see the module)."""
    origin = key.get("origin")
    if origin is None or origin == "" or origin is UNKNOWN or origin == "AWS_KMS":
        # Both origins CloudFormation accepts leave the key in AWS KMS.
        return CustodyLevel.CUSTOMER_KMS, f"customer key {key.name} in the multi-tenant AWS KMS"
    if origin == "EXTERNAL":
        return CustodyLevel.CUSTOMER_KMS, f"imported key material ({key.name}) held by AWS KMS"
    return None, f"key {key.name} has an origin custodes does not know ({_shown(origin)})"


def _shown(value: Any, limit: int = 120) -> str:
    """A value for a note, cut to ``limit`` characters: a 50 MB identifier in the input
    must not become a 50 MB message in every report (issue 15)."""
    if value is UNKNOWN:
        return "(unknown)"
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit - 3]}..."


def _reference_custody(
    graph: Graph,
    state: str,
    candidates: tuple[Resource, ...],
    value: Any,
    seen: frozenset[str] = frozenset(),
) -> tuple[CustodyLevel | None, str]:
    if state == "resolved":
        if len(candidates) == 1:
            return key_custody(graph, candidates[0], seen)
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
    if isinstance(value, str):
        # A key named in text is judged the same whoever names it: once per graph.
        return graph.derived(("aws-disk-key", path, value),
                             lambda graph: _disk_key(graph, owner, path, value))
    return _disk_key(graph, owner, path, value)


def _disk_key(graph: Graph, owner: Resource, path: str, value: Any) -> KeyCustody:
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
    if isinstance(value, Secret):
        value = value.reveal()  # judged on its plaintext; a ciphertext-only one is unknown
        if value is None:
            return None
    if value is UNKNOWN:
        return None
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _declared_devices(resource: Resource, shape: AwsShape) -> tuple[list[tuple[str, Any]],
                                                                     list[str]]:
    """The EBS settings a resource declares, by path, and the default devices it leaves
    to the AMI (paths of :attr:`Devices.default` where nothing is declared)."""
    declared: list[tuple[str, Any]] = []
    defaults: list[str] = []
    for devices in shape.devices:
        found: list[tuple[str, Any]] = []
        for path, value in resource.values(shape.prefix + devices.path):
            if value is None:
                continue
            if devices.ebs and value is not UNKNOWN:
                ebs = value.get(devices.ebs) if isinstance(value, Mapping) else None
                if ebs is None:
                    continue  # an instance-store or suppressed device: no EBS key
                path, value = f"{path}.{devices.ebs}", ebs
            found.append((path, value))
        declared.extend(found)
        if not found and devices.default is not None:
            defaults.append(shape.prefix + devices.default)
    return declared, defaults


def _device_key(graph: Graph, owner: Resource, path: str, device: Any,
                by_default: bool) -> KeyCustody:
    """The custody of one EBS device's key (``device``: its settings, ``None`` for defaults)."""
    if device is UNKNOWN:
        return KeyCustody(path, None, "the block device settings are unknown", None, None)
    device = device if isinstance(device, Mapping) else {}
    key_path = f"{path}.kmsKeyId" if path else "kmsKeyId"
    key_value = device.get("kmsKeyId")
    if key_value in (None, "") and _encrypted(device.get("encrypted")) is False \
            and not by_default:
        return KeyCustody(key_path, CustodyLevel.PROVIDER, "the volume is not encrypted")
    return disk_key(graph, owner, key_path, key_value)


def _encrypted_by_default(graph: Graph) -> bool:
    def build(graph: Graph) -> bool:
        return any(_encrypted(setting.get("enabled"))
                   for setting in graph.of_type(ENCRYPTION_BY_DEFAULT))

    return graph.derived(("aws-ebs-encryption-by-default",), build)


def _device_keys(graph: Graph, resource: Resource) -> Iterator[KeyCustody]:
    """The keys of every EBS device a workload launches with: its own, its attached
    volumes' and its launch templates' (whose custody is the workload's)."""
    shape = SHAPES.get(resource.type)
    if shape is None:
        return
    by_default = _encrypted_by_default(graph)
    declared, defaults = _declared_devices(resource, shape)
    for path, device in declared:
        yield _device_key(graph, resource, path, device, by_default)
    named = templates(graph, resource)
    if not named:
        # No template to supply them: the AMI's volumes, under the default key.
        for path in defaults:
            yield _device_key(graph, resource, path, None, by_default)
    for template in named:
        if template.state != "resolved":
            where = "an unknown value" if template.state == "unknown" else \
                f"{_shown(template.value)}, outside the stack"
            yield KeyCustody(template.path, None, f"the launch template is {where}: its "
                             "block devices and keys cannot be told", None, None)
            continue
        for candidate in template.candidates:
            for custody in _device_keys(graph, candidate):
                yield KeyCustody(f"{template.path} → {candidate.name}.{custody.path}",
                                 custody.level, custody.note, custody.key,
                                 custody.attestation_bound)
    yield from _attached_volume_keys(graph, resource, shape)


def _attached_volume_keys(graph: Graph, instance: Resource, shape: AwsShape) -> Iterator[
    KeyCustody
]:
    """The keys of the EBS volumes attached to an instance, by attachment or by id."""
    named: list[tuple[str, Reference]] = []
    if shape.volumes is not None:
        for path, value in instance.values(shape.prefix + shape.volumes):
            if value is not None:
                named.append((path, graph.reference(instance, path, value, VOLUME_TYPES)))
    if shape.attachments:
        instances = (INSTANCE, NATIVE_INSTANCE)
        attachments = graph.referrers((VOLUME_ATTACHMENT, NATIVE_VOLUME_ATTACHMENT),
                                      "instanceId", instances)
        for attachment in attachments.get(instance.urn, ()):
            value = attachment.get("volumeId")
            reference = graph.reference(attachment, "volumeId", value, VOLUME_TYPES)
            named.append((f"attachment {attachment.name}.volumeId", reference))
    by_default = _encrypted_by_default(graph) if named else False
    for path, reference in named:
        if reference.state != "resolved":
            where = "an unknown value" if reference.state == "unknown" else \
                f"{_shown(reference.value)}, outside the stack"
            yield KeyCustody(path, None, f"the attached volume is {where}: its key cannot be "
                             "told", None, None)
            continue
        for volume in reference.candidates:
            custody = _device_key(graph, volume, "", volume.props, by_default)
            yield KeyCustody(f"volume {volume.name}.{custody.path}", custody.level,
                             custody.note, custody.key, custody.attestation_bound)


# --- key policies and enclave release ----------------------------------------
#
# Sources (AWS KMS Developer Guide, "Condition keys for Nitro Enclaves" and
# "Condition keys for NitroTPM"; EC2 User Guide, "Prepare AWS KMS for attestation"
# and "NitroTPM Attestation Document contents"):
#
# * kms:RecipientAttestation:ImageSha384 (= PCR0) and :PCR<id> for Nitro Enclaves,
#   :NitroTPMPCR<id> for NitroTPM, on Decrypt, DeriveSharedSecret, GenerateDataKey,
#   GenerateDataKeyPair and GenerateRandom, "Key policies and IAM policies" alike;
# * each is "effective only when the Recipient parameter in the request specifies a
#   signed attestation document": a request without one is judged by the other
#   statements, so an Allow without the condition lets the parent decrypt in the clear;
# * the NitroTPM document carries PCR0-15, PCR16 and PCR23; KMS documents
#   NitroTPMPCR4, NitroTPMPCR7 and NitroTPMPCR12 for attestable AMIs (PCR4 + PCR12
#   for a standard boot, PCR7 for Secure Boot); PCR0/PCR1 are AWS's constant firmware.


@record
class Measurement:
    """One attestation condition key as KMS reads it.

    ``technology`` is ``nitro-enclaves`` or ``nitro-tpm``; ``pcr`` is the register
    (``ImageSha384`` is PCR0); ``name`` is the key as written in the policy.
    """

    technology: str
    pcr: int
    name: str


# Enclave PCRs KMS accepts; PCR0 (image) and PCR8 (signing certificate) identify the
# image; PCR3 (parent role), PCR4 (parent instance) and PCR8 bind it to one deployment.
ENCLAVE_PCRS = frozenset({0, 1, 2, 3, 4, 8})
_ENCLAVE_IMAGE_PCRS = frozenset({0, 8})
_ENCLAVE_DEPLOYMENT_PCRS = frozenset({3, 4, 8})
# NitroTPM: the registers of the attestation document; PCR4 (boot manager) and PCR7
# (Secure Boot policy) identify the attestable AMI.
TPM_PCRS = frozenset({*range(17), 23})
_TPM_IMAGE_PCRS = frozenset({4, 7})
_PCR_NAMES = {0: "image", 1: "kernel", 2: "application", 3: "parent role",
              4: "parent instance", 8: "signing certificate"}
# Conditions that bind a statement to one account or organisation (IAM global keys and
# kms:CallerAccount).
ACCOUNT_CONDITIONS = frozenset({"aws:principalaccount", "aws:principalorgid",
                                "aws:principalorgpaths", "kms:calleraccount"})
_CONDITION_KEY = re.compile(r"^kms:recipientattestation:(?:(imagesha384)|pcr(\d+)|nitrotpmpcr(\d+))$")


def measurement(name: str) -> Measurement | None:
    """The measurement a ``kms:RecipientAttestation:*`` condition key names, if it is one."""
    match = _CONDITION_KEY.match(name.lower())
    if match is None:
        return None
    if match[1]:
        return Measurement("nitro-enclaves", 0, name)
    if match[2] is not None:
        return Measurement("nitro-enclaves", int(match[2]), name)
    return Measurement("nitro-tpm", int(match[3]), name)


def _operator(name: str) -> tuple[str, bool]:
    """The base operator of a condition (set prefix and ``IfExists`` dropped), and whether
    it was ``IfExists``."""
    base = name.split(":", 1)[-1]
    if_exists = base.lower().endswith("ifexists")
    return (base[: -len("IfExists")] if if_exists else base).lower(), if_exists


@record
class Pin:
    """What one statement's condition pins: a measurement and its accepted values."""

    measurement: Measurement
    values: tuple[str, ...]
    place: str


@record
class Statement:
    """One statement of a key or IAM policy (or a grant), normalised.

    ``place`` says where it is written: ``the key policy``, ``inline policy X of role
    R``, ``managed policy Y``, ``grant G``.
    """

    effect: str
    principals: tuple[str, ...]  # "*" for anyone; ARNs or account ids otherwise
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]]
    place: str = "the key policy"

    def allows_release(self) -> bool:
        return any(_action_covers(action, wanted)
                   for action in self.actions for wanted in RELEASE_ACTIONS)

    def release_actions(self) -> tuple[str, ...]:
        """The release operations the statement's actions cover."""
        return tuple(wanted for wanted in RELEASE_ACTIONS
                     if any(_action_covers(action, wanted) for action in self.actions))

    def attestation_values(self) -> dict[str, tuple[str, ...]]:
        """The ``kms:RecipientAttestation:*`` condition keys and values of the statement."""
        found: dict[str, tuple[str, ...]] = {}
        for keys in self.conditions.values():
            for key, values in keys.items():
                if key.lower().startswith(ATTESTATION_CONDITION_PREFIX):
                    found[key] = values
        return found

    def pins(self, negated: bool = False) -> tuple[Pin, ...]:
        """The measurements pinned by a string-equality condition (``negated``: by a
        ``StringNot…`` one, as a Deny writes it). ``…IfExists`` pins nothing on an Allow:
        a request without a document passes it."""
        found: list[Pin] = []
        for operator, keys in self.conditions.items():
            base, if_exists = _operator(operator)
            if not base.startswith("string") or ("not" in base) != negated:
                continue
            if if_exists and not negated:
                continue
            for key, values in keys.items():
                named = measurement(key)
                if named is not None:
                    found.append(Pin(named, values, self.place))
        return tuple(found)

    def null_checks(self) -> dict[str, bool]:
        """``Null`` conditions on attestation keys: key → ``True`` when it must be absent."""
        found: dict[str, bool] = {}
        for operator, keys in self.conditions.items():
            if _operator(operator)[0] != "null":
                continue
            for key, values in keys.items():
                if measurement(key) is not None and values:
                    found[key] = values[0].lower() == "true"
        return found

    def requires_document(self) -> bool:
        """Whether an Allow matches only requests that carry an attestation document."""
        return bool(self.pins()) or any(not absent for absent in self.null_checks().values())

    def closes_without_document(self) -> bool:
        """Whether a Deny matches every request that carries no attestation document."""
        return bool(self.pins(negated=True)) or any(self.null_checks().values())

    def unconditional(self) -> bool:
        return not self.conditions

    def binds_account(self) -> bool:
        """Whether a condition restricts the caller to an account or organisation."""
        return any(key.lower() in ACCOUNT_CONDITIONS
                   for keys in self.conditions.values() for key in keys)


def _action_covers(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action, pattern.lower())


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def parse_policy(policy: Any, place: str = "the key policy") -> list[Statement] | None:
    """The statements of a policy document (a JSON string or a mapping), at ``place``.

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
                place=place,
            )
        )
    return statements


@record
class ReleaseBinding:
    """Whether a KMS key releases only to attested enclaves (or NitroTPM instances).

    ``bound`` is ``True`` when every path by which a parent role may obtain the key
    is conditioned on an attestation document that pins a production measurement,
    ``False`` when one is not, ``None`` when a policy cannot be read. ``problems``
    say what breaks the binding and where; ``unknowns`` what could not be read;
    ``unbound_deployments`` the places whose pins hold for any account that runs
    the same image (no PCR3/PCR4/PCR8 and no account or organisation condition).
    """

    bound: bool | None
    problems: tuple[str, ...] = ()
    roles: tuple[Resource, ...] = field(default=())
    unknowns: tuple[str, ...] = ()
    unbound_deployments: tuple[str, ...] = ()


def _attested_roles(graph: Graph) -> Mapping[str, tuple[bool, tuple[Resource, ...]]]:
    """The IAM roles of Nitro instances that may receive attested keys, by role URN:
    whether one of them is an enclave parent, and the instances. Computed once per graph.

    Enclave parents, and SEV-SNP instances (NitroTPM attests any Nitro instance).
    """
    def build(graph: Graph) -> Mapping[str, tuple[bool, tuple[Resource, ...]]]:
        roles: dict[str, tuple[bool, list[Resource]]] = {}
        if not graph.of_type(*ROLE_TYPES):
            return {}  # an instance's roles are roles of the stack (instance_roles)
        for instance in graph.of_type(*WORKLOAD_TYPES):
            found = technologies(graph, instance)
            enclave = "nitro-enclaves" in found
            if not enclave and ("sev-snp" not in found or not _mentions_nitro_tpm(graph)):
                continue
            for role in instance_roles(graph, instance):
                was, instances = roles.get(role.urn, (False, []))
                instances.append(instance)
                roles[role.urn] = (was or enclave, instances)
        return {urn: (enclave, tuple(found)) for urn, (enclave, found) in roles.items()}

    return graph.derived(("aws-attested-roles",), build)


def enclave_parent_roles(graph: Graph) -> Mapping[str, tuple[Resource, ...]]:
    """The IAM roles of Nitro Enclaves parents, keyed by role URN, with their parents."""
    return {urn: instances for urn, (enclave, instances) in _attested_roles(graph).items()
            if enclave}


def attested_roles(graph: Graph) -> Mapping[str, tuple[Resource, ...]]:
    """The roles of enclave parents and SEV-SNP instances, keyed by role URN."""
    return {urn: instances for urn, (_, instances) in _attested_roles(graph).items()}


def instance_roles(graph: Graph, instance: Resource) -> list[Resource]:
    """The IAM roles a workload's instances run as: through its instance profile, the
    role it names (an EKS node group's), or else its launch templates'."""
    shape = SHAPES.get(instance.type)
    if shape is None:
        return []
    roles: list[Resource] = []

    def add(found: tuple[Resource, ...] | list[Resource]) -> None:
        roles.extend(role for role in found if role not in roles)

    for path in shape.roles:
        value = shape.get(instance, path)
        add(graph.reference(instance, shape.prefix + path, value, ROLE_TYPES).candidates)
    for path in shape.profiles:
        value = shape.get(instance, path)
        if value is None or value == "":  # never the truth of an unknown
            continue
        profiles = graph.reference(instance, shape.prefix + path, value, PROFILE_TYPES)
        for profile in profiles.candidates:
            # aws.iam.InstanceProfile.role (a name); aws-native InstanceProfile.roles[].
            for role_path, role_value in (("role", profile.get("role")),
                                          *profile.values("roles[]")):
                add(graph.reference(profile, role_path, role_value, ROLE_TYPES).candidates)
        break
    if not roles:
        for named in templates(graph, instance):
            for template in named.candidates:
                add(instance_roles(graph, template))
    return roles


def _role_name(role: Resource) -> Any:
    return role.get("roleName") if role.type == NATIVE_IAM_ROLE else role.get("name")


def _principal_is_role(graph: Graph, principal: str, role: Resource) -> bool:
    if principal == "*":
        return True
    if role in graph.find(principal, ROLE_TYPES):
        return True
    # A role being created has no ARN yet (a preview); a literal ARN still names it
    # by path and name, which are inputs.
    match = _ROLE_ARN.match(principal)
    if match is None or isinstance(role.output("arn"), str):
        return False
    if _role_name(role) != match["name"]:
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


# AWS-managed policies that allow every KMS operation on every key.
_AWS_MANAGED_KMS_ALL = ("/AdministratorAccess", "/PowerUserAccess")


def _managed_documents(graph: Graph, owner: Resource, path: str, arn: Any,
                       ) -> Iterator[tuple[str, Any]]:
    """The documents of a managed policy an attachment (or a role) names by ARN."""
    managed = graph.reference(owner, path, arn, MANAGED_POLICY_TYPES)
    if managed.state == "resolved":
        for policy in managed.candidates:
            name = policy.get("managedPolicyName") if policy.type == NATIVE_MANAGED_POLICY \
                else policy.get("name")
            document = policy.get("policyDocument") if policy.type == NATIVE_MANAGED_POLICY \
                else policy.get("policy")
            yield f"managed policy {name if isinstance(name, str) else policy.name}", document
    elif isinstance(arn, str) and re.match(r"^arn:aws[a-z-]*:iam::aws:policy/", arn):
        if arn.endswith(_AWS_MANAGED_KMS_ALL):
            everything = {"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
            yield f"AWS managed policy {arn.rsplit('/', 1)[-1]}", everything
        # Other AWS-managed policies grant no release of a customer key.
    elif managed.state != "absent":
        # A customer-managed policy outside the stack, or an unknown ARN: unknown content.
        yield f"managed policy {arn if isinstance(arn, str) else '(unknown)'}", UNKNOWN


def role_policies(graph: Graph, role: Resource) -> list[tuple[str, Any]]:
    """The identity policies of a role, as (place, document), in a stable order.

    Inline policies (``inlinePolicies``, ``aws:iam/rolePolicy``; aws-native
    ``policies`` and ``aws-native:iam:RolePolicy``) and attached managed policies
    (``aws:iam/rolePolicyAttachment``, ``aws:iam/policyAttachment``,
    ``managedPolicyArns``; aws-native ``managedPolicyArns`` and
    ``aws-native:iam:ManagedPolicy`` ``roles``). Computed once per role and graph.
    """
    return graph.derived_of("aws-role-policies", role, _listed_role_policies)


def _listed_role_policies(graph: Graph, role: Resource) -> list[tuple[str, Any]]:
    return list(_role_policies(graph, role))


def _role_policies(graph: Graph, role: Resource) -> Iterator[tuple[str, Any]]:
    name = _role_name(role) if isinstance(_role_name(role), str) else role.name
    if role.type == NATIVE_IAM_ROLE:
        for _, inline in role.values("policies[]"):
            if isinstance(inline, Mapping):
                yield (f"inline policy {_shown(inline.get('policyName'))} of role {name}",
                       _pinned(graph, role, "policies", inline.get("policyDocument")))
            else:
                yield f"an inline policy of role {name}", UNKNOWN
    else:
        for _, inline in role.values("inlinePolicies[]"):
            if isinstance(inline, Mapping):
                yield (f"inline policy {_shown(inline.get('name'))} of role {name}",
                       inline.get("policy"))
            else:
                yield f"an inline policy of role {name}", UNKNOWN
    for path, arn in role.values("managedPolicyArns[]"):
        yield from _managed_documents(graph, role, path, arn)
    for policy in graph.referrers((IAM_ROLE_POLICY,), "role", ROLE_TYPES).get(role.urn, ()):
        yield f"inline policy {_named(policy, 'name')} of role {name}", policy.get("policy")
    for policy in graph.referrers((NATIVE_IAM_ROLE_POLICY,), "roleName",
                                  ROLE_TYPES).get(role.urn, ()):
        yield (f"inline policy {_named(policy, 'policyName')} of role {name}",
               _pinned(graph, policy, "policyDocument", policy.get("policyDocument")))
    for attachment in graph.referrers((IAM_ROLE_POLICY_ATTACHMENT,), "role",
                                      ROLE_TYPES).get(role.urn, ()):
        yield from _managed_documents(graph, attachment, "policyArn",
                                      attachment.get("policyArn"))
    for attachment in graph.referrers((IAM_POLICY_ATTACHMENT,), "roles[]",
                                      ROLE_TYPES).get(role.urn, ()):
        yield from _managed_documents(graph, attachment, "policyArn",
                                      attachment.get("policyArn"))
    for policy in _native_managed_by_role(graph).get(role.urn, ()):
        yield (f"managed policy {_named(policy, 'managedPolicyName')}",
               _pinned(graph, policy, "policyDocument", policy.get("policyDocument")))


def _pinned(graph: Graph, owner: Resource, path: str, document: Any) -> Any:
    """``document`` (a policy object, as aws-native keeps it) with each unknown statement
    ``Resource`` replaced by the URNs of the KMS keys it can only be.

    In a preview a key created in the same deployment has no ARN yet, so a statement
    naming it has an unknown ``Resource``; the engine records which resources the
    owner's property ``path`` is computed from (its property dependencies), and an
    unknown value there can come from none other. Without a key among them the entry
    stays unknown, and the statement may cover every key. A JSON string (the classic
    provider) is unknown as a whole when any part of it is: nothing to pin.
    """
    if not isinstance(document, Mapping):
        return document
    raw = document.get("Statement")
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, list) or not any(
            isinstance(item, Mapping) and _has_unknown(item.get("Resource")) for item in items):
        return document
    keys = graph.reference(owner, path, UNKNOWN, KEY_TYPES).candidates
    if not keys:
        return document
    urns = [key.urn for key in keys]
    pinned = []
    for item in items:
        if isinstance(item, Mapping) and _has_unknown(item.get("Resource")):
            named = item["Resource"] if isinstance(item["Resource"], list) else [item["Resource"]]
            item = {**item, "Resource": [v for v in named if v is not UNKNOWN] + urns}
        pinned.append(item)
    return {**document, "Statement": pinned}


def _has_unknown(value: Any) -> bool:
    return value is UNKNOWN or (isinstance(value, list) and any(v is UNKNOWN for v in value))


def _named(resource: Resource, path: str) -> str:
    """The name at ``path`` when it is text, else the resource's own name."""
    value = resource.get(path)
    return value if isinstance(value, str) and value else resource.name


def _native_managed_by_role(graph: Graph) -> Mapping[str, tuple[Resource, ...]]:
    """aws-native managed policies by the URN of each role their ``roles`` name."""
    def build(graph: Graph) -> Mapping[str, tuple[Resource, ...]]:
        index: dict[str, list[Resource]] = {}
        for policy in graph.of_type(NATIVE_MANAGED_POLICY):
            for path, value in policy.values("roles[]"):
                for role in graph.reference(policy, path, value, ROLE_TYPES).candidates:
                    index.setdefault(role.urn, []).append(policy)
        return {urn: tuple(found) for urn, found in index.items()}

    return graph.derived(("aws-native-managed-by-role",), build)


def _role_statements(graph: Graph, role: Resource) -> tuple[list[Statement], list[str]]:
    """Every statement of the role's identity policies, and the places that are unknown
    (parsed once per role and graph)."""
    return graph.derived_of("aws-role-statements", role, _parsed_role_statements)


def _parsed_role_statements(graph: Graph, role: Resource) -> tuple[list[Statement], list[str]]:
    statements: list[Statement] = []
    unknown: list[str] = []
    for place, document in role_policies(graph, role):
        parsed = parse_policy(document, place)
        if parsed is None:
            unknown.append(place)
        else:
            statements.extend(parsed)
    return statements, unknown


def _mentions_nitro_tpm(graph: Graph) -> bool:
    """Whether any key policy or IAM policy of the stack names a NitroTPM condition key
    (only then can a SEV-SNP instance's role receive attested release). Once per graph."""
    def build(graph: Graph) -> bool:
        for resource in graph.of_type(KMS_KEY, NATIVE_KMS_KEY, KMS_KEY_POLICY, IAM_ROLE,
                                      IAM_ROLE_POLICY, IAM_POLICY, NATIVE_IAM_ROLE,
                                      NATIVE_IAM_ROLE_POLICY, NATIVE_MANAGED_POLICY):
            if "nitrotpmpcr" in json.dumps(resource.props, default=lambda v: str(plain(v))).lower():
                return True
        return False

    return graph.derived(("aws-mentions-nitro-tpm",), build)


def _role_iam_grants_release(graph: Graph, role: Resource,
                             key: Resource | None = None) -> bool | None:
    """Whether the role's own IAM policies allow a release action on KMS keys (on ``key``)."""
    statements, unknown = _role_statements(graph, role)
    if any(s.effect == "allow" and s.allows_release() and _covers_key(graph, s.resources, key)
           for s in statements):
        return True
    return None if unknown else False


@record
class _ParentRoles:
    """The attested instances' roles in order, and those whose IAM may grant release."""

    roles: tuple[Resource, ...]
    position: Mapping[str, int]
    # Roles whose own IAM policies allow release, or cannot be read: the only ones an
    # account-root grant in a key policy can reach.
    through_iam: tuple[Resource, ...]
    # Roles without an ARN yet (being created), by (name, path): what a literal role
    # ARN names in a preview (see _principal_is_role).
    without_arn: Mapping[tuple[str, str], tuple[Resource, ...]]
    # Roles of enclave parents (the others are SEV-SNP instances' roles).
    enclave: frozenset[str]


def _parent_roles(graph: Graph) -> _ParentRoles:
    def build(graph: Graph) -> _ParentRoles:
        attested = _attested_roles(graph)
        found = (graph.get(urn) for urn in attested)
        roles = tuple(role for role in found if role is not None)
        without_arn: dict[tuple[str, str], list[Resource]] = {}
        for role in roles:
            name, path = _role_name(role), role.get("path")
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
            frozenset(urn for urn, (enclave, _) in attested.items() if enclave),
        )

    return graph.derived(("aws-enclave-parent-role-list",), build)


def _roles_in_reach(graph: Graph, statements: list[Statement], grants: list[Statement],
                    parents: _ParentRoles) -> list[Resource]:
    """The parent roles that some statement or grant may name, in parent order.

    A role that no principal names, whose IAM policies grant no release, is
    untouched by every statement; leaving it out keeps a key's binding
    proportional to the roles that matter instead of to all roles of the stack.
    """
    principals = [p for statement in [*statements, *grants] for p in statement.principals]
    if "*" in principals:
        return list(parents.roles)
    reach: dict[str, Resource] = {}
    for principal in principals:
        if _ACCOUNT_ROOT.match(principal):
            reach.update((role.urn, role) for role in parents.through_iam)
        named = graph.find(principal, ROLE_TYPES)
        match = None if named else _ROLE_ARN.match(principal)
        if match is not None:
            named = [*parents.without_arn.get((match["name"], f"/{match['path']}"), ()),
                     *parents.without_arn.get((match["name"], "*"), ())]
        for role in named:
            if role.urn in parents.position:
                reach[role.urn] = role
    return sorted(reach.values(), key=lambda role: parents.position[role.urn])


def key_policy(graph: Graph, key: Resource) -> tuple[str, Any]:
    """Where a key's policy is written and the document (``None``: the default policy).

    ``policy`` of ``aws:kms/key:Key``, else a separate ``aws:kms/keyPolicy:KeyPolicy``
    naming the key (which replaces it); ``keyPolicy`` of ``aws-native:kms:Key``.
    """
    if key.type == NATIVE_KMS_KEY:
        return "the key policy", key.get("keyPolicy")
    policy = key.get("policy")
    separate = graph.referrers((KMS_KEY_POLICY,), "keyId", (KMS_KEY,)).get(key.urn, ())
    if separate:
        chosen = separate[0]
        return f"the key policy ({chosen.name})", chosen.get("policy")
    return "the key policy", policy


def key_statements(graph: Graph, key: Resource) -> list[Statement] | None:
    """The statements of a key's policy (the default policy when none is set)."""
    place, policy = key_policy(graph, key)
    if policy is None or policy == "":
        # The default key policy lets the whole account use the key through IAM.
        return [Statement("allow", ("arn:aws:iam::000000000000:root",), ("kms:*",), ("*",), {},
                          "the default key policy")]
    return parse_policy(policy, place)


_GRANT_OPERATIONS = {action.split(":", 1)[1]: action for action in RELEASE_ACTIONS}


def key_grants(graph: Graph, key: Resource) -> list[Statement]:
    """Every ``aws:kms/grant:Grant`` of the key, as an unconditioned Allow to its grantee.

    A grant carries no policy condition (only encryption-context constraints), so
    it can never require an attestation document (AWS KMS, "Grants in AWS KMS").
    """
    statements = []
    for grant in graph.referrers((KMS_GRANT,), "keyId", KEY_TYPES).get(key.urn, ()):
        operations = tuple(_GRANT_OPERATIONS.get(str(op).lower(), f"kms:{str(op).lower()}")
                           for op in _strings(grant.get("operations")))
        grantee = grant.get("granteePrincipal")
        principals: tuple[str, ...]
        if isinstance(grantee, str):
            principals = (grantee,)
        else:
            reference = graph.reference(grant, "granteePrincipal", grantee, ROLE_TYPES)
            principals = tuple(str(role.urn) for role in reference.candidates)
        statements.append(Statement("allow", principals, operations, ("*",), {},
                                    f"grant {grant.name}"))
    return statements


def release_binding(graph: Graph, key: Resource | None) -> ReleaseBinding:
    """How a KMS key of the stack releases to the stack's attested instances' roles.

    Computed once per key and graph.
    """
    if key is None or key.type not in (KMS_KEY, NATIVE_KMS_KEY):
        return ReleaseBinding(False)
    return graph.derived_of("aws-release-binding", key, _release_binding)


def _names_role(graph: Graph, statement: Statement, role: Resource, *, iam: bool) -> bool:
    if iam:
        return True  # an identity policy speaks for its role
    return any(_principal_is_role(graph, p, role) or p == role.urn for p in statement.principals)


def _through_account(statement: Statement) -> bool:
    return any(_ACCOUNT_ROOT.match(p) for p in statement.principals)


def _release_binding(graph: Graph, key: Resource) -> ReleaseBinding:
    parents = _parent_roles(graph)
    statements = key_statements(graph, key)
    if statements is None:
        return ReleaseBinding(None, unknowns=("the key policy is unknown or cannot be read",))
    if not parents.roles:
        return ReleaseBinding(False)  # no attested instance's role to release to
    grants = key_grants(graph, key)
    problems: list[str] = []
    unknowns: list[str] = []
    unbound: list[str] = []
    reached: list[Resource] = []
    pinned_anywhere = False
    for role in _roles_in_reach(graph, statements, grants, parents):
        iam_statements, iam_unknown = _role_statements(graph, role)
        iam_for_key = [s for s in iam_statements if _covers_key(graph, s.resources, key)]
        delegated = {action for s in statements
                     if s.effect == "allow" and _through_account(s)
                     for action in s.release_actions()}
        allows: list[tuple[Statement, tuple[str, ...]]] = []
        for s in [*statements, *grants]:
            if s.effect == "allow" and _names_role(graph, s, role, iam=False):
                allows.append((s, s.release_actions()))
        for s in iam_for_key:
            if s.effect == "allow":
                actions = tuple(a for a in s.release_actions() if a in delegated)
                allows.append((s, actions))
        allows = [(s, actions) for s, actions in allows if actions]
        denies = [s for s in statements
                  if s.effect == "deny" and (_names_role(graph, s, role, iam=False)
                                             or _through_account(s))]
        denies += [s for s in iam_for_key if s.effect == "deny"]
        if delegated and iam_unknown:
            unknowns.extend(f"{place} (of role {role.name}) is unknown" for place in iam_unknown)
        if not allows:
            continue
        enclave = role.urn in parents.enclave
        attested = [s for s, _ in allows if s.attestation_values()] + \
            [s for s in denies if s.attestation_values()]
        if not enclave and not any(p.measurement.technology == "nitro-tpm"
                                   for s in attested for p in (*s.pins(), *s.pins(True))):
            # A SEV-SNP instance's role, with no NitroTPM condition: not attested release.
            continue
        if role not in reached:
            reached.append(role)
        document_only: list[Statement] = []
        for allow, actions in allows:
            open_actions = [a for a in actions
                            if not any(d.unconditional() and a in d.release_actions()
                                       for d in denies)]
            if not open_actions:
                continue  # an unconditioned Deny takes these operations away
            if allow.pins():
                pinned_anywhere = True
                problems.extend(_pin_problems(allow.pins(), enclave))
                unbound.extend(_deployment_gap(allow))
            elif allow.requires_document() or all(
                any(d.closes_without_document() and a in d.release_actions() for d in denies)
                for a in open_actions
            ):
                document_only.append(allow)
            else:
                problems.append(
                    f"{allow.place} lets role {role.name} of an "
                    f"{'enclave parent' if enclave else 'instance'} {_verbs(open_actions)} "
                    "without an attestation document (no kms:RecipientAttestation condition)"
                )
        if document_only:
            deny_pins = [d for d in denies if d.pins(negated=True)]
            if deny_pins:
                pinned_anywhere = True
                for deny in deny_pins:
                    problems.extend(_pin_problems(deny.pins(negated=True), enclave))
                    unbound.extend(_deployment_gap(deny, negated=True))
            else:
                places = ", ".join(dict.fromkeys(s.place for s in document_only))
                problems.append(
                    f"{places} requires an attestation document for role {role.name} but "
                    "pins no measurement: any enclave image, debug-mode included, gets the key"
                )
    if not reached:
        return ReleaseBinding(False if not unknowns else None, (), (), tuple(unknowns))
    if problems:
        return ReleaseBinding(False, tuple(dict.fromkeys(problems)), tuple(reached),
                              tuple(dict.fromkeys(unknowns)), tuple(dict.fromkeys(unbound)))
    bound = None if unknowns else pinned_anywhere
    return ReleaseBinding(bound, (), tuple(reached), tuple(dict.fromkeys(unknowns)),
                          tuple(dict.fromkeys(unbound)))


def _verbs(actions: Iterable[str]) -> str:
    names = {"kms:decrypt": "Decrypt", "kms:generatedatakey": "GenerateDataKey",
             "kms:generatedatakeywithoutplaintext": "GenerateDataKeyWithoutPlaintext",
             "kms:generatedatakeypair": "GenerateDataKeyPair",
             "kms:generatedatakeypairwithoutplaintext": "GenerateDataKeyPairWithoutPlaintext",
             "kms:derivesharedsecret": "DeriveSharedSecret"}
    return "use " + ", ".join(names.get(action, action) for action in actions)


def _pin_problems(pins: tuple[Pin, ...], enclave: bool) -> list[str]:
    """What is wrong with one statement's pins: debug-mode zeros, no image measurement."""
    problems = []
    zeros = [pin.measurement.name for pin in pins
             if pin.values and all(_ALL_ZERO.match(v) for v in pin.values)]
    if zeros:
        problems.append(
            f"{pins[0].place}: the condition on {', '.join(sorted(zeros))} is all zeros, "
            "which admits debug-mode enclaves (debug-mode admission)"
        )
    enclave_pcrs = {p.measurement.pcr for p in pins if p.measurement.technology == "nitro-enclaves"
                    and p.measurement.pcr in ENCLAVE_PCRS}
    tpm_pcrs = {p.measurement.pcr for p in pins if p.measurement.technology == "nitro-tpm"
                and p.measurement.pcr in TPM_PCRS}
    if not (enclave_pcrs & _ENCLAVE_IMAGE_PCRS) and not (tpm_pcrs & _TPM_IMAGE_PCRS):
        named = ", ".join(sorted({p.measurement.name for p in pins}))
        what = ("the enclave image (ImageSha384/PCR0) or its signing certificate (PCR8)"
                if enclave or not tpm_pcrs else
                "the attestable AMI (NitroTPMPCR4 with PCR12, or NitroTPMPCR7)")
        problems.append(f"{pins[0].place} pins only {named}, which does not identify {what}: "
                        "any image that shares those measurements gets the key")
    return problems


def _deployment_gap(statement: Statement, negated: bool = False) -> list[str]:
    pins = statement.pins(negated)
    deployment = {p.measurement.pcr for p in pins if p.measurement.technology == "nitro-enclaves"
                  } & _ENCLAVE_DEPLOYMENT_PCRS
    if deployment or statement.binds_account():
        return []
    return [statement.place]


def _keys_by_role(graph: Graph) -> tuple[tuple[Resource, ...], Mapping[str, tuple[int, ...]]]:
    """The KMS keys, and the positions of those that release to each attested role (by URN)."""
    def build(graph: Graph) -> tuple[tuple[Resource, ...], Mapping[str, tuple[int, ...]]]:
        keys = tuple(graph.of_type(KMS_KEY, NATIVE_KMS_KEY))
        index: dict[str, list[int]] = {}
        for position, key in enumerate(keys):
            for role in release_binding(graph, key).roles:
                index.setdefault(role.urn, []).append(position)
        return keys, {urn: tuple(positions) for urn, positions in index.items()}

    return graph.derived(("aws-keys-by-parent-role",), build)


def _enclave_keys(graph: Graph, parent: Resource, keys: tuple[Resource, ...],
                  by_role: Mapping[str, tuple[int, ...]]) -> Iterator[KeyCustody]:
    """The keys of the stack (``keys``, with ``by_role`` as :func:`_keys_by_role` gives
    them) that release to one of the parent's roles on attestation."""
    roles = instance_roles(graph, parent)
    if not roles:
        return
    positions = sorted({position for role in roles for position in by_role.get(role.urn, ())})
    for position in positions:
        key = keys[position]
        binding = release_binding(graph, key)
        level, note = key_custody(graph, key)
        label = "enclave key" if "nitro-enclaves" in technologies(graph, parent) \
            else "attested key"
        yield KeyCustody(f"{label} {key.name}", level, note, key, binding.bound)


# --- workloads ---------------------------------------------------------------


def workloads(graph: Graph) -> Iterator[Workload]:
    """Every resource of a shape type that turns SEV-SNP or Nitro Enclaves on, itself or
    through the launch template it names."""
    attested: tuple[tuple[Resource, ...], Mapping[str, tuple[int, ...]]] | None = None
    for resource in graph.of_type(*WORKLOAD_TYPES):
        found = technologies(graph, resource)
        if not found:
            continue
        keys = list(_device_keys(graph, resource))
        attested = attested or _keys_by_role(graph)  # at the first workload, not before
        if attested[1]:  # some key of the stack releases to an attested role
            keys.extend(_enclave_keys(graph, resource, *attested))
        enclave = "nitro-enclaves" in found
        # Enclave keys, and keys released on NitroTPM attestation (any Nitro instance).
        bound = any(key.attestation_bound for key in keys
                    if key.path.startswith(("enclave key ", "attested key ")))
        # KMS checks the enclave's attestation document against the PCRs the customer
        # wrote into the key policy; SEV-SNP reports have no provider-side verifier at
        # all. (Positional, in Workload's field order: one per instance of the stack.)
        yield Workload(resource, "aws", "AWS", found, founders(found), tuple(keys),
                       "customer" if bound else "unassigned",  # attestation policy
                       "provider" if enclave or bound else "unassigned")  # verifier
