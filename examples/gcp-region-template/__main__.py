"""A regional TDX Confidential VM template whose disks only the customer's HSM key can
decrypt, and the regional managed instance group that runs it."""

import pulumi
import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="ledger", location="europe-west4")

disk_key = gcp.kms.CryptoKey(
    "disk-key",
    name="ledger-disk",
    key_ring=ring.id,
    purpose="ENCRYPT_DECRYPT",
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

template = gcp.compute.RegionInstanceTemplate(
    "ledger",
    name_prefix="ledger-",
    region="europe-west4",
    machine_type="c3-standard-4",
    confidential_instance_config={"confidential_instance_type": "TDX"},
    scheduling={"on_host_maintenance": "TERMINATE", "automatic_restart": True},
    shielded_instance_config={"enable_secure_boot": True, "enable_vtpm": True,
                              "enable_integrity_monitoring": True},
    disks=[
        {"source_image": "ubuntu-os-cloud/ubuntu-2404-lts", "boot": True, "auto_delete": True,
         "disk_size_gb": 50, "disk_encryption_key": {"kms_key_self_link": disk_key.id}},
        {"disk_type": "pd-balanced", "disk_size_gb": 200, "auto_delete": True,
         "disk_encryption_key": {"kms_key_self_link": disk_key.id}},
    ],
    network_interfaces=[{"network": "default"}],
    labels={"data-classification": "confidential"},
)

group = gcp.compute.RegionInstanceGroupManager(
    "ledger",
    name="ledger",
    region="europe-west4",
    base_instance_name="ledger",
    target_size=2,
    versions=[{"instance_template": template.self_link}],
)

pulumi.export("template", template.self_link)
