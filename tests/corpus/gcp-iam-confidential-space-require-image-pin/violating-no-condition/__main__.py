"""A Confidential Space identity provider with no attribute condition."""

import pulumi_gcp as gcp

pool = gcp.iam.WorkloadIdentityPool("pool", workload_identity_pool_id="payments-pool")
gcp.iam.WorkloadIdentityPoolProvider(
    "attestation",
    workload_identity_pool_id=pool.workload_identity_pool_id,
    workload_identity_pool_provider_id="attestation-verifier",
    attribute_mapping={"google.subject": "assertion.sub"},
    oidc={"issuer_uri": "https://confidentialcomputing.googleapis.com/"},
)
