"""A Confidential Space provider pinned to an image digest that is not an approved release."""
import pulumi_gcp as gcp

pool = gcp.iam.WorkloadIdentityPool("pool", workload_identity_pool_id="payments-pool")
gcp.iam.WorkloadIdentityPoolProvider(
    "attestation",
    workload_identity_pool_id=pool.workload_identity_pool_id,
    workload_identity_pool_provider_id="attestation-verifier",
    attribute_mapping={"google.subject": "assertion.sub"},
    attribute_condition=" && ".join([
        "assertion.swname == 'CONFIDENTIAL_SPACE'",
        "'STABLE' in assertion.submods.confidential_space.support_attributes",
        "assertion.submods.container.image_digest == 'sha256:" + "0d" * 32 + "'",
    ]),
    oidc={"issuer_uri": "https://confidentialcomputing.googleapis.com/"},
)
