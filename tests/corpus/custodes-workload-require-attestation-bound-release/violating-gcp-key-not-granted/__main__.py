"""A Confidential VM whose HSM disk key is granted to an ordinary service account."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="payments", location="europe-west4")
key = gcp.kms.CryptoKey(
    "disk-key",
    name="payments-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)
account = gcp.serviceaccount.Account("payments", account_id="payments")
gcp.kms.CryptoKeyIAMMember(
    "payments-decrypt",
    crypto_key_id=key.id,
    role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
    member=account.member,
)

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="europe-west4-a",
    machine_type="c3-standard-4",
    confidential_instance_config={"confidential_instance_type": "TDX"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"},
               "kms_key_self_link": key.id},
    service_account={"email": account.email, "scopes": ["cloud-platform"]},
    network_interfaces=[{"network": "default"}],
)
