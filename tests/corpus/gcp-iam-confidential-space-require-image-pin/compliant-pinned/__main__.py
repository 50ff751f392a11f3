"""A Confidential Space identity provider pinned to one production image digest."""

import pulumi_gcp as gcp

pool = gcp.iam.WorkloadIdentityPool("pool", workload_identity_pool_id="payments-pool")
gcp.iam.WorkloadIdentityPoolProvider(
    "attestation",
    workload_identity_pool_id=pool.workload_identity_pool_id,
    workload_identity_pool_provider_id="attestation-verifier",
    attribute_mapping={"google.subject": "assertion.sub",
                       "attribute.image_digest": "assertion.submods.container.image_digest"},
    attribute_condition=" && ".join([
        "assertion.swname == 'CONFIDENTIAL_SPACE'",
        "'STABLE' in assertion.submods.confidential_space.support_attributes",
        "assertion.submods.container.image_digest == 'sha256:" + "7c" * 32 + "'",
    ]),
    oidc={"issuer_uri": "https://confidentialcomputing.googleapis.com/",
          "allowed_audiences": ["https://sts.googleapis.com"]},
)
