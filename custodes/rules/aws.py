"""AWS rules: SEV-SNP instances, Nitro Enclaves parents and the KMS keys they use.

Facts: ``shared/reference/confidential-cloud-facts.md`` (AWS section), with the
property names checked against pulumi-aws 7 (see :mod:`custodes.custody.aws`).
"""

from __future__ import annotations

from collections.abc import Iterator

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
    scope="resource",
    rationale="""EC2 offers AMD SEV-SNP on M6a, C6a and R6a only. A SEV-SNP request on
        another type fails at launch, or the workload is deployed without the memory
        encryption the customer relies on.""",
    remediation="Use an m6a, c6a or r6a instance type (custodes.aws.ConfidentialInstance "
                "checks this).",
)
def sev_snp_supported_type(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``cpuOptions.amdSevSnp=enabled`` only on M6a/C6a/R6a."""
    if facts.is_sev_snp(resource) is not True:
        return
    instance_type = facts.instance_type(resource)
    if instance_type is UNKNOWN:
        yield Unresolved("the instance type is unknown")
    elif isinstance(instance_type, str) and not aws_sev_snp_supported(instance_type):
        yield Violation(f"{instance_type} does not offer AMD SEV-SNP (M6a, C6a, R6a only)")


@rule(
    id="aws-ec2-enclave-require-supported-type",
    title="Nitro Enclaves are enabled only where they can run",
    severity="high",
    enforcement="mandatory",
    types=facts.WORKLOAD_TYPES,
    scope="resource",
    rationale="""An enclave parent needs a supported family and enough vCPUs to give
        some to the enclave; hibernation cannot be combined with enclaves. A setting
        that cannot hold leaves the secret-handling code outside any enclave.""",
    remediation="""Use a supported family with at least 4 vCPUs (2 on Graviton), e.g.
        m5.xlarge or c6g.large, and turn hibernation off.""",
)
def enclave_supported_type(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``enclaveOptions.enabled`` only on a supported type, without hibernation."""
    if facts.is_enclave_parent(resource) is not True:
        return
    instance_type = facts.instance_type(resource)
    if instance_type is UNKNOWN:
        yield Unresolved("the instance type is unknown")
    elif isinstance(instance_type, str):
        problem = aws_nitro_enclaves_problem(instance_type)
        if problem:
            yield Violation(problem)
    hibernation = resource.get("hibernation")
    if hibernation is None:
        hibernation = resource.get("hibernationOptions.configured")
    if is_true(hibernation):
        yield Violation("Nitro Enclaves cannot be used with hibernation")
