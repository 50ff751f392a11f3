"""A Confidential Space provider that trusts an image reference, not a digest."""

import pulumi_gcp as gcp

pool = gcp.iam.WorkloadIdentityPool("pool", workload_identity_pool_id="payments-pool")
gcp.iam.WorkloadIdentityPoolProvider(
    "attestation",
    workload_identity_pool_id=pool.workload_identity_pool_id,
    workload_identity_pool_provider_id="attestation-verifier",
    attribute_mapping={"google.subject": "assertion.sub"},
    attribute_condition=(
        "assertion.swname == 'CONFIDENTIAL_SPACE' && "
        "'STABLE' in assertion.submods.confidential_space.support_attributes && "
        "assertion.submods.container.image_reference == "
        "'us-docker.pkg.dev/payments/app/server:latest'"
    ),
    oidc={"issuer_uri": "https://confidentialcomputing.googleapis.com"},
)
