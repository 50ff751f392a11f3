"""A Confidential Space VM whose disk key only the attested workload's identity pool may use."""

import pulumi_gcp as gcp

project = gcp.organizations.get_project()
ring = gcp.kms.KeyRing("ring", name="payments", location="us-central1")
key = gcp.kms.CryptoKey(
    "disk-key",
    name="payments-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)
pool = gcp.iam.WorkloadIdentityPool("pool", workload_identity_pool_id="payments-pool")
gcp.iam.WorkloadIdentityPoolProvider(
    "attestation",
    workload_identity_pool_id=pool.workload_identity_pool_id,
    workload_identity_pool_provider_id="attestation-verifier",
    attribute_mapping={"google.subject": "assertion.sub"},
    attribute_condition=(
        "assertion.swname == 'CONFIDENTIAL_SPACE' && "
        "'STABLE' in assertion.submods.confidential_space.support_attributes && "
        "assertion.submods.container.image_digest == "
        "'sha256:" + "4f" * 32 + "'"
    ),
    oidc={"issuer_uri": "https://confidentialcomputing.googleapis.com/",
          "allowed_audiences": ["https://sts.googleapis.com"]},
)
gcp.kms.CryptoKeyIAMMember(
    "workload-decrypt",
    crypto_key_id=key.id,
    role="roles/cloudkms.cryptoKeyDecrypter",
    member=f"principalSet://iam.googleapis.com/projects/{project.number}/locations/global/"
           "workloadIdentityPools/payments-pool/*",
)

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="us-central1-a",
    machine_type="n2d-standard-2",
    min_cpu_platform="AMD Milan",
    confidential_instance_config={"confidential_instance_type": "SEV_SNP"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={
        "initialize_params": {
            "image": "projects/confidential-space-images/global/images/family/confidential-space",
        },
        "kms_key_self_link": key.id,
    },
    metadata={"tee-image-reference": "us-docker.pkg.dev/payments/app/server@sha256:" + "4f" * 32},
    network_interfaces=[{"network": "default"}],
)
