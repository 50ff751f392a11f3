"""A Confidential Space provider that admits the debug image."""

import pulumi_gcp as gcp

pool = gcp.iam.WorkloadIdentityPool("pool", workload_identity_pool_id="payments-pool")
gcp.iam.WorkloadIdentityPoolProvider(
    "attestation",
    workload_identity_pool_id=pool.workload_identity_pool_id,
    workload_identity_pool_provider_id="attestation-verifier",
    attribute_mapping={"google.subject": "assertion.sub"},
    attribute_condition=(
        "assertion.swname == 'CONFIDENTIAL_SPACE' && "
        "assertion.submods.container.image_digest == 'sha256:" + "7c" * 32 + "'"
    ),
    oidc={"issuer_uri": "https://confidentialcomputing.googleapis.com/"},
)
