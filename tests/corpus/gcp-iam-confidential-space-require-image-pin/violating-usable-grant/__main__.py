"""The debug image is kept out by the grant (USABLE support), but USABLE alone admits
images Google no longer supports: no TCB floor in the condition or the grant."""
import pulumi_gcp as gcp

pool = gcp.iam.WorkloadIdentityPool("pool", workload_identity_pool_id="payments-pool")
gcp.iam.WorkloadIdentityPoolProvider(
    "attestation",
    workload_identity_pool_id=pool.workload_identity_pool_id,
    workload_identity_pool_provider_id="attestation-verifier",
    attribute_mapping={"google.subject": "assertion.sub",
                       "attribute.support": "assertion.submods.confidential_space.support_attributes"},
    attribute_condition=" && ".join([
        "assertion.swname == 'CONFIDENTIAL_SPACE'",
        "assertion.submods.container.image_digest == 'sha256:7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c'",
    ]),
    oidc={"issuer_uri": "https://confidentialcomputing.googleapis.com/"},
)
ring = gcp.kms.KeyRing("ring", name="payments", location="europe-west4")
key = gcp.kms.CryptoKey("payments-key", name="payments", key_ring=ring.id)
gcp.kms.CryptoKeyIAMMember(
    "release",
    crypto_key_id=key.id,
    role="roles/cloudkms.cryptoKeyDecrypter",
    member="principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/payments-pool/attribute.support/USABLE",
)
