"""A Confidential Space provider whose condition has an alternative that bypasses the pin."""

import pulumi_gcp as gcp

DIGEST = "sha256:" + "7c" * 32

pool = gcp.iam.WorkloadIdentityPool("pool", workload_identity_pool_id="payments-pool")
gcp.iam.WorkloadIdentityPoolProvider(
    "attestation",
    workload_identity_pool_id=pool.workload_identity_pool_id,
    workload_identity_pool_provider_id="attestation-verifier",
    attribute_mapping={"google.subject": "assertion.sub"},
    attribute_condition=(
        "(assertion.swname == 'CONFIDENTIAL_SPACE' && "
        "'STABLE' in assertion.submods.confidential_space.support_attributes && "
        f"assertion.submods.container.image_digest == '{DIGEST}') || "
        "assertion.sub.startsWith('https://www.googleapis.com/compute/v1/projects/payments/')"
    ),
    oidc={"issuer_uri": "https://confidentialcomputing.googleapis.com/"},
)
