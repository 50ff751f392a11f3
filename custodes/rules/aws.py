"""AWS rules: SEV-SNP instances, Nitro Enclaves parents and the KMS keys they use.

Facts: ``shared/reference/confidential-cloud-facts.md`` (AWS section), with the
property names checked against pulumi-aws 7 (see :mod:`custodes.custody.aws`).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from typing import Any

from custodes.catalog import aws_nitro_enclaves_problem, aws_sev_snp_supported
from custodes.custody import aws as facts
from custodes.model import UNKNOWN, Resource
from custodes.rules.common import is_true, provider_custody
from custodes.rules.registry import Context, Outcome, Unresolved, Violation, rule


@rule(
    id="aws-ec2-confidential-require-customer-key",
    title="Confidential EC2 disks are encrypted with a customer key",
    severity="critical",
    enforcement="mandatory",
    types=facts.WORKLOAD_TYPES,
    rationale="""SEV-SNP and Nitro Enclaves keep AWS operators out of the instance's
        memory, but a volume encrypted with the AWS-managed key (no kmsKeyId, or
        alias/aws/ebs) can be decrypted by whoever AWS lets use that key: key custody
        is a customer duty the provider cannot hold.""",
    remediation="""Set kmsKeyId on the root and every EBS block device to a customer
        managed KMS key (ideally in a CloudHSM or external key store), or use
        custodes.aws.ConfidentialInstance.""",
)
def confidential_disks_customer_key(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every EBS volume of a SEV-SNP or enclave-enabled instance has a customer key."""
    yield from provider_custody(resource, context)


@rule(
    id="aws-kms-disallow-key-material-in-state",
    title="No imported KMS key material passes through the stack's state",
    severity="critical",
    enforcement="mandatory",
    types=(facts.KMS_EXTERNAL_KEY,),
    scope="resource",
    rationale="""aws.kms.ExternalKey imports key material given as an input: it is stored
        in the Pulumi state and its backups, so whoever can read the state holds the
        key, outside any HSM or attestation policy.""",
    remediation="""Import key material out of band (aws kms import-key-material from a
        controlled host) or create the key in a CloudHSM or external key store.""",
)
def key_material_in_state(resource: Resource, context: Context) -> Iterator[Outcome]:
    """An ExternalKey carries no ``keyMaterialBase64``."""
    material = resource.get("keyMaterialBase64")
    if material is not None and material != "":
        yield Violation("keyMaterialBase64 puts the key material in the stack's state")


@rule(
    id="aws-kms-custom-key-store-disallow-credentials-in-state",
    title="Custom key store credentials stay out of the stack's state",
    severity="high",
    enforcement="advisory",
    strict="mandatory",
    types=(facts.CUSTOM_KEY_STORE,),
    scope="resource",
    rationale="""The kmsuser password of a CloudHSM key store and the XKS proxy's secret
        access key are the customer's hold on an HSM or external key manager; in the
        stack's state they are readable by everyone who can read the state.""",
    remediation="""Create the key store outside the stack, or rotate the credential after
        creation and keep it in a secrets manager the stack does not read.""",
)
def key_store_credentials(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A custom key store declares no password or XKS secret in its inputs."""
    if resource.get("keyStorePassword") not in (None, ""):
        yield Violation("keyStorePassword (the CloudHSM kmsuser password) is in the state")
    if resource.get("xksProxyAuthenticationCredential.rawSecretAccessKey") not in (None, ""):
        yield Violation("xksProxyAuthenticationCredential.rawSecretAccessKey is in the state")


@rule(
    id="aws-kms-key-require-enclave-attestation",
    title="KMS keys release to Nitro Enclaves parents only on attestation",
    severity="critical",
    enforcement="mandatory",
    types=(facts.KMS_KEY, facts.NATIVE_KMS_KEY),
    rationale="""kms:RecipientAttestation conditions bind a key to an enclave image (or,
        NitroTPM, an attestable AMI) wherever AWS evaluates them — the key policy and the
        role's IAM policies — but they only constrain requests that carry an attestation
        document: an Allow without the condition anywhere (key policy, inline or managed
        policy, a KMS grant) lets the parent instance decrypt in the clear. A Deny when
        no document is present makes one necessary but pins nothing: any enclave image,
        debug mode included, gets the key; so does a pin on PCR1/PCR2 alone or on
        all-zero values. The attestation policy is the customer's duty.""",
    remediation="""Grant kms:Decrypt/GenerateDataKey* to the parent role only with
        kms:RecipientAttestation:ImageSha384 (or PCR8, and PCR3/PCR4) of a production
        enclave image — NitroTPMPCR4 with PCR12, or PCR7, for an attestable AMI — in the
        key policy or the role's IAM policy; remove every unconditioned Allow and KMS
        grant, or add a Deny whose StringNotEqualsIgnoreCase condition names the image;
        custodes.aws.EnclaveKey writes such a policy.""",
)
def enclave_key_attestation(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every path to a release to an enclave parent's role (key policy, the role's inline
    and managed policies, grants) requires an attestation document that pins a production
    measurement; NitroTPM conditions count the same way for any Nitro instance."""
    if not facts.attested_roles(context.graph):
        return
    binding = facts.release_binding(context.graph, resource)
    for problem in binding.problems:
        yield Violation(problem)
    for unknown in binding.unknowns:
        yield Unresolved(f"cannot tell whether enclave parents may use the key: {unknown}")


@rule(
    id="aws-ec2-sev-snp-require-supported-type",
    title="SEV-SNP is requested only on instance types that offer it",
    severity="high",
    enforcement="mandatory",
    types=facts.WORKLOAD_TYPES,
    technologies=("sev-snp",),
    rationale="""EC2 offers AMD SEV-SNP on M6a, C6a and R6a only. A SEV-SNP request on
        another type fails at launch, or the workload is deployed without the memory
        encryption the customer relies on.""",
    remediation="Use an m6a, c6a or r6a instance type (custodes.aws.ConfidentialInstance "
                "checks this).",
)
def sev_snp_supported_type(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``cpuOptions.amdSevSnp=enabled`` only on M6a/C6a/R6a, including every instance
    type a group or fleet may launch from a SEV-SNP template (its overrides)."""
    for where, instance_type in (yield from _instance_types(
            resource, context, "whether they offer AMD SEV-SNP")):
        if not aws_sev_snp_supported(instance_type):
            yield Violation(f"{where}{instance_type} does not offer AMD SEV-SNP "
                            "(M6a, C6a, R6a only)")


def _instance_types(resource: Resource, context: Context,
                    question: str) -> Generator[Outcome, None, list[tuple[str, str]]]:
    """Yield what cannot be told of a workload's instance types (unknown, or chosen by
    attributes, where ``question`` cannot be answered); return the named ones as
    ``(where, type)``, ``where`` the path prefix of a message."""
    named: list[tuple[str, str]] = []
    for path, instance_type in facts.instance_types(context.graph, resource):
        where = "" if path == "instanceType" else f"{path}: "
        if instance_type is UNKNOWN:
            yield Unresolved(f"{where}the instance type is unknown")
        elif instance_type is facts.ATTRIBUTE_SELECTED:
            yield Unresolved(f"{where}instances are chosen by attributes, not by type: "
                             f"{question} cannot be told")
        elif isinstance(instance_type, str):
            named.append((where, instance_type))
    return named


@rule(
    id="aws-ec2-enclave-require-supported-type",
    title="Nitro Enclaves are enabled only where they can run",
    severity="high",
    enforcement="mandatory",
    types=facts.WORKLOAD_TYPES,
    technologies=("nitro-enclaves",),
    rationale="""An enclave parent needs a supported family and enough vCPUs to give
        some to the enclave; hibernation cannot be combined with enclaves. A setting
        that cannot hold leaves the secret-handling code outside any enclave.""",
    remediation="""Use a supported family with at least 4 vCPUs (2 on Graviton), e.g.
        m5.xlarge or c6g.large, and turn hibernation off.""",
)
def enclave_supported_type(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``enclaveOptions.enabled`` only on a supported type, without hibernation."""
    for where, instance_type in (yield from _instance_types(
            resource, context, "whether they can be enclave parents")):
        problem = aws_nitro_enclaves_problem(instance_type)
        if problem:
            yield Violation(f"{where}{problem}")
    if is_true(facts.hibernation(context.graph, resource)):
        yield Violation("Nitro Enclaves cannot be used with hibernation")


@rule(
    id="aws-kms-key-require-deployment-binding",
    title="Attested keys are bound to this deployment, not only to an image",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=(facts.KMS_KEY, facts.NATIVE_KMS_KEY),
    rationale="""PCR0/PCR1/PCR2 (and ImageSha384) travel with the enclave image file: a key
        pinned only on them can be used by any account that runs the same image. A pin
        on PCR3 (the parent's IAM role), PCR4 (the parent instance) or PCR8 (the signing
        certificate), or an account or organisation condition, binds the key to this
        deployment.""",
    remediation="""Add kms:RecipientAttestation:PCR3 (the parent role) or PCR8 (your
        signing certificate) to the condition, or an aws:PrincipalAccount /
        aws:PrincipalOrgID / kms:CallerAccount condition.""",
)
def deployment_binding(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every attested release of the key pins PCR3, PCR4 or PCR8, or names the account."""
    if not facts.attested_roles(context.graph):
        return
    for place in facts.release_binding(context.graph, resource).unbound_deployments:
        yield Violation(f"{place} pins only image measurements: any account that runs the "
                        "same image can use the key (pin PCR3, PCR4 or PCR8, or add an "
                        "account or organisation condition)")


# Launch settings read from the resource or, where it sets none, from its launch
# templates (EC2 User Guide, "Launch an instance from a launch template": parameters
# given at launch override the template's). Paths are under each shape's prefix.
_METADATA = ("metadataOptions",)
_INTERFACES = ("networkInterfaces", "associatePublicIpAddress", "subnetId")
_GROUPS = ("vpcSecurityGroupIds", "securityGroups", "securityGroupIds",
           "securityGroupNames", "networkInterfaces")


def _holders(resource: Resource, context: Context,
             paths: tuple[str, ...]) -> Iterator[tuple[str, Resource | None]]:
    """Where the effective value of a launch setting is: ``("", resource)`` when the
    resource sets one of ``paths`` itself or names no launch template; otherwise
    ``("launch template T: ", T)`` for each template it names (the one resolver,
    :func:`custodes.custody.aws.templates`), and ``("<path>: ", None)`` for a template
    reference that cannot be followed (unknown, or outside the stack)."""
    shape = facts.SHAPES[resource.type]
    named = facts.templates(context.graph, resource)
    if not named or any(shape.get(resource, path) is not None for path in paths):
        yield "", resource
        return
    for template in named:
        if template.state != "resolved":
            yield f"{template.path}: ", None
            continue
        for candidate in template.candidates:
            yield f"launch template {candidate.name}: ", candidate


def _setting(holder: Resource, path: str) -> Any:
    return facts.SHAPES[holder.type].get(holder, path)


@rule(
    id="aws-ec2-enclave-parent-require-imdsv2",
    title="Enclave parents require IMDSv2",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=facts.WORKLOAD_TYPES,
    technologies=("nitro-enclaves",),
    scope="resource",
    rationale="""The parent instance's role is what KMS sees: with IMDSv1 a server-side
        request forgery on the parent hands out the role's credentials, and with them
        every release the key policy grants that role without attestation.""",
    remediation="""Set metadataOptions.httpTokens to required (on the launch template for
        groups, fleets, node groups and Batch compute environments).""",
)
def enclave_parent_imdsv2(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``metadataOptions.httpTokens`` is ``required`` on an enclave parent."""
    for where, holder in _holders(resource, context, _METADATA):
        if holder is None:
            yield Unresolved(f"{where}the launch template is not in the stack: whether it "
                             "requires IMDSv2 cannot be told")
            continue
        tokens = _setting(holder, "metadataOptions.httpTokens")
        if tokens is UNKNOWN:
            yield Unresolved(f"{where}metadataOptions.httpTokens is unknown")
        elif tokens != "required":
            shown = tokens if isinstance(tokens, str) and tokens else \
                "not set: optional unless the AMI requires v2"
            yield Violation(f"{where}IMDSv2 is not required (metadataOptions.httpTokens "
                            f"{shown})")


def _subnet_public(context: Context, resource: Resource) -> Iterator[Outcome]:
    subnet = resource.get("subnetId")
    if subnet is None or subnet == "":
        if resource.type == facts.INSTANCE:
            yield Violation("no subnetId: the instance is launched in a default subnet, which "
                            "assigns a public IP")
        return
    yield from _subnet_maps_public(context, resource, "subnetId", subnet)


def _subnet_maps_public(context: Context, owner: Resource, path: str, subnet: Any,
                        where: str = "") -> Iterator[Outcome]:
    """Whether the subnet ``owner`` names at ``path`` assigns public IPs on launch."""
    reference = context.graph.reference(owner, path, subnet, (facts.SUBNET,))
    if reference.state != "resolved":
        yield Unresolved(f"{where}whether subnet "
                         f"{subnet if isinstance(subnet, str) else '(unknown)'} "
                         "assigns public IPs cannot be told")
        return
    for candidate in reference.candidates:
        mapped = candidate.get("mapPublicIpOnLaunch")
        if mapped is UNKNOWN:
            yield Unresolved(f"{where}whether subnet {candidate.name} assigns public IPs is "
                             "unknown")
        elif is_true(mapped):
            yield Violation(f"{where}subnet {candidate.name} assigns a public IP on launch")


# The subnets a launcher places its instances in (they override a template's interface
# subnet): pulumi_aws autoscaling.Group vpc_zone_identifiers, eks.NodeGroup subnet_ids,
# batch compute_resources.subnets, ec2.Fleet / SpotFleetRequest launch_template_configs[]
# .overrides[].subnet_id; pulumi_aws_native AutoScalingGroup vpc_zone_identifier,
# eks.Nodegroup subnets, batch compute_resources.subnets, Ec2Fleet / SpotFleet overrides
# subnet_id. Where an interface sets no associatePublicIpAddress, the subnet's
# mapPublicIpOnLaunch decides (EC2 User Guide, "Public IPv4 addresses").
_LAUNCHER_SUBNETS: Mapping[str, str] = {
    facts.AUTOSCALING_GROUP: "vpcZoneIdentifiers[]",
    facts.NATIVE_AUTOSCALING_GROUP: "vpcZoneIdentifier[]",
    facts.EKS_NODE_GROUP: "subnetIds[]",
    facts.NATIVE_EKS_NODEGROUP: "subnets[]",
    facts.BATCH_COMPUTE_ENVIRONMENT: "computeResources.subnets[]",
    facts.NATIVE_BATCH_COMPUTE_ENVIRONMENT: "computeResources.subnets[]",
    facts.FLEET: "launchTemplateConfigs[].overrides[].subnetId",
    facts.SPOT_FLEET_REQUEST: "launchTemplateConfigs[].overrides[].subnetId",
    facts.NATIVE_EC2_FLEET: "launchTemplateConfigs[].overrides[].subnetId",
    facts.NATIVE_SPOT_FLEET: "spotFleetRequestConfigData.launchTemplateConfigs[].overrides[]"
                             ".subnetId",
}


def _template_public(context: Context, launcher: Resource, where: str,
                     template: Resource) -> Iterator[Outcome]:
    """A public IP for the instances ``launcher`` starts from ``template``: an interface
    that asks for one, or — where no interface says — a subnet that assigns one (the
    launcher's subnets first, else the interfaces'). A template judged as itself names
    no subnet of its own: its launchers are judged."""
    prefix = facts.SHAPES[template.type].prefix
    explicit = False
    interface_subnets: list[tuple[str, Any]] = []
    for path, interface in template.values(f"{prefix}networkInterfaces[]"):
        public = interface.get("associatePublicIpAddress") \
            if isinstance(interface, Mapping) else interface
        explicit = explicit or public is not None
        if public is UNKNOWN:
            yield Unresolved(f"{where}{path}.associatePublicIpAddress is unknown")
        elif is_true(public):
            yield Violation(f"{where}{path}.associatePublicIpAddress is true")
        if isinstance(interface, Mapping) and interface.get("subnetId") not in (None, ""):
            interface_subnets.append((f"{path}.subnetId", interface.get("subnetId")))
    if explicit or launcher is template:
        return
    own = [(launcher, path, value) for path, value in launcher.values(
        _LAUNCHER_SUBNETS[launcher.type])] if launcher.type in _LAUNCHER_SUBNETS else []
    own = [item for item in own if item[2] not in (None, "")]
    named = own or [(template, path, value) for path, value in interface_subnets]
    for owner, path, value in named:
        yield from _subnet_maps_public(context, owner, path, value,
                                       where if owner is template else "")
    if not named:
        if launcher.type == facts.INSTANCE:
            yield Violation(f"{where}no subnet: the instance is launched in a default subnet, "
                            "which assigns a public IP")
        else:
            yield Unresolved(f"{where}no interface sets associatePublicIpAddress and no subnet "
                             "is named: whether the parents get a public IP cannot be told")


@rule(
    id="aws-ec2-enclave-parent-disallow-public-ip",
    title="Enclave parents have no public IP",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=facts.WORKLOAD_TYPES,
    technologies=("nitro-enclaves",),
    rationale="""An enclave parent holds the role KMS releases keys to and relays the
        enclave's traffic; a public IP puts that host on the internet.""",
    remediation="""Set associatePublicIpAddress to false, launch in a private subnet
        (mapPublicIpOnLaunch false), attach no Elastic IP, and reach the parent through
        a load balancer or Systems Manager.""",
)
def enclave_parent_public_ip(resource: Resource, context: Context) -> Iterator[Outcome]:
    """No public IP: none requested, none from the subnet, no Elastic IP."""
    graph = context.graph
    for where, holder in _holders(resource, context, _INTERFACES):
        if holder is None:
            yield Unresolved(f"{where}the launch template is not in the stack: whether it "
                             "assigns a public IP cannot be told")
        elif holder.type == facts.INSTANCE:
            public = holder.get("associatePublicIpAddress")
            if public is UNKNOWN:
                yield Unresolved("associatePublicIpAddress is unknown")
            elif is_true(public):
                yield Violation("associatePublicIpAddress is true")
            elif public is None:
                yield from _subnet_public(context, holder)
        else:
            yield from _template_public(context, resource, where, holder)
    if resource.type == facts.INSTANCE:
        for eip in graph.referrers((facts.EIP,), "instance", (facts.INSTANCE,)).get(
                resource.urn, ()):
            yield Violation(f"Elastic IP {eip.name} is associated with the parent")


_OPEN = ("0.0.0.0/0", "::/0")


def _texts(value: Any) -> list[str]:
    """The strings of a list input (anything else, unknown included, holds none)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _open_rules(graph: Any, group: Resource) -> Iterator[str]:
    for path, ingress in group.values("ingress[]"):
        if isinstance(ingress, Mapping):
            blocks = [*_texts(ingress.get("cidrBlocks")), *_texts(ingress.get("ipv6CidrBlocks"))]
            for block in blocks:
                if block in _OPEN:
                    yield f"security group {group.name} {path} admits {block}"
    for rule_resource in graph.referrers((facts.INGRESS_RULE,), "securityGroupId",
                                         (facts.SECURITY_GROUP,)).get(group.urn, ()):
        for block in (rule_resource.get("cidrIpv4"), rule_resource.get("cidrIpv6")):
            if block in _OPEN:
                yield f"ingress rule {rule_resource.name} of security group {group.name} admits {block}"
    for rule_resource in graph.referrers((facts.SECURITY_GROUP_RULE,), "securityGroupId",
                                         (facts.SECURITY_GROUP,)).get(group.urn, ()):
        if rule_resource.get("type") != "ingress":
            continue
        blocks = [*_texts(rule_resource.get("cidrBlocks")),
                  *_texts(rule_resource.get("ipv6CidrBlocks"))]
        for block in blocks:
            if block in _OPEN:
                yield f"rule {rule_resource.name} of security group {group.name} admits {block}"


@rule(
    id="aws-ec2-enclave-parent-restrict-ingress",
    title="Enclave parents are not open to the internet",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=facts.WORKLOAD_TYPES,
    technologies=("nitro-enclaves",),
    rationale="""A security group that admits 0.0.0.0/0 or ::/0 exposes the host that holds
        the role KMS releases keys to, and the vsock proxy it runs for the enclave.""",
    remediation="""Admit only the load balancer's or the bastion's security group, or known
        CIDR ranges, on the parent's security groups.""",
)
def enclave_parent_ingress(resource: Resource, context: Context) -> Iterator[Outcome]:
    """No security group of the parent admits 0.0.0.0/0 or ::/0."""
    for where, holder in _holders(resource, context, _GROUPS):
        if holder is None:
            yield Unresolved(f"{where}the launch template is not in the stack: its security "
                             "groups cannot be told")
            continue
        yield from _group_ingress(context, where, holder)


def _group_ingress(context: Context, where: str, holder: Resource) -> Iterator[Outcome]:
    """The open ingress of each security group ``holder`` names, by id or by name
    (aws.ec2 Instance: vpcSecurityGroupIds, securityGroups; LaunchTemplate:
    vpcSecurityGroupIds, securityGroupNames, networkInterfaces[].securityGroups;
    aws-native LaunchTemplateData: securityGroupIds, securityGroups,
    networkInterfaces[].groups)."""
    graph = context.graph
    prefix = facts.SHAPES[holder.type].prefix
    fields = ("vpcSecurityGroupIds", "securityGroups", "securityGroupIds", "securityGroupNames",
              *(f"networkInterfaces[].{field}" for field in ("securityGroups", "groups",
                                                            "groupSet")))
    groups = [pair for field in fields for pair in holder.values(f"{prefix}{field}[]")]
    for path, value in groups:
        reference = graph.reference(holder, path, value, (facts.SECURITY_GROUP,))
        if reference.state != "resolved":
            found = [g for g in graph.of_type(facts.SECURITY_GROUP)
                     if isinstance(value, str) and value in (g.get("name"), g.output("name"))]
            if not found:
                shown = value if isinstance(value, str) else "(unknown)"
                yield Unresolved(f"{where}security group {shown} is not in the stack: its "
                                 "ingress cannot be told")
                continue
            candidates: tuple[Resource, ...] = tuple(found)
        else:
            candidates = reference.candidates
        for group in candidates:
            for problem in _open_rules(graph, group):
                yield Violation(f"{where}{problem}")
