"""Oracle Cloud rules: confidential (AMD SEV) instances and the keys of their volumes.

Facts: ``shared/reference/confidential-cloud-facts.md`` (Oracle Cloud), with the
property names checked against pulumi-oci 5.5 (see :mod:`custodes.custody.oci`).
"""

from __future__ import annotations

from collections.abc import Iterator

from custodes.catalog import oci_sev_platform_type, oci_sev_shape
from custodes.custody import oci as facts
from custodes.model import UNKNOWN, Resource, plain
from custodes.rules.common import provider_custody
from custodes.rules.registry import Context, Outcome, Unresolved, Violation, rule


@rule(
    id="oci-compute-confidential-require-customer-key",
    title="Confidential OCI instances keep their volumes under a customer key",
    severity="critical",
    enforcement="mandatory",
    types=facts.WORKLOAD_TYPES,
    rationale="""AMD SEV keeps Oracle's operators out of a confidential instance's
        memory, but a boot or block volume without a Vault key is encrypted with an
        Oracle-managed key: Oracle holds custody of the data at rest.""",
    remediation="""Set sourceDetails.kmsKeyId (and every volume's kmsKeyId) to an OCI
        Vault key with protection mode HSM or EXTERNAL, ideally in a virtual private
        vault.""",
)
def confidential_customer_key(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every volume of a confidential instance, configuration or pool has a Vault key."""
    yield from provider_custody(resource, context)


@rule(
    id="oci-compute-confidential-require-supported-shape",
    title="Confidential OCI instances use a shape that offers AMD SEV",
    severity="high",
    enforcement="mandatory",
    types=(facts.INSTANCE, facts.INSTANCE_CONFIGURATION),
    scope="resource",
    rationale="""OCI offers confidential instances only on AMD shapes (the E3 and E4
        flexible VMs, E3/E4/E5 bare metal) with an AMD platform configuration; elsewhere
        the launch fails or the workload runs without the memory encryption the
        customer relies on.""",
    remediation="""Use VM.Standard.E4.Flex (or another shape the catalogue lists) with
        platformConfig.type AMD_VM (AMD_ROME_BM / AMD_MILAN_BM on bare metal).""",
)
def supported_shape(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``platformConfig.isMemoryEncryptionEnabled`` only on an AMD shape and platform type.

    Shapes and platform types: :func:`custodes.catalog.oci_sev_shape` and
    :func:`custodes.catalog.oci_sev_platform_type` (OCI "Confidential Computing",
    updated 2025-01-10); a type or shape the catalogue does not class is unresolved.
    """
    shape = facts.SHAPES[resource.type]
    if shape.confidential(resource) is not True:
        return
    platform = plain(shape.get(resource, "platformConfig.type"))
    if platform is UNKNOWN:
        yield Unresolved("the platform configuration type is unknown")
    elif isinstance(platform, str):
        encrypts = oci_sev_platform_type(platform)
        if encrypts is False:
            yield Violation(f"platform type {platform} cannot encrypt memory (AMD_VM, "
                            "AMD_ROME_BM or AMD_MILAN_BM)")
        elif encrypts is None:
            yield Unresolved(f"platform type {platform} is not in custodes' catalogue; whether "
                             "it can encrypt memory cannot be told")
    size = plain(shape.size_of(resource))
    if size is UNKNOWN:
        yield Unresolved("the shape is unknown")
    elif isinstance(size, str):
        supported = oci_sev_shape(size)
        if supported is False:
            yield Violation(f"{size} does not offer confidential computing")
        elif supported is None:
            yield Unresolved(f"{size} is not in custodes' catalogue; whether it offers "
                             "confidential computing cannot be told")
