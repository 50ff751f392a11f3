"""A regional TDX instance template whose disks use the customer's HSM key."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="research", location="europe-west4")
key = gcp.kms.CryptoKey(
    "disk-key",
    name="research-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

gcp.compute.RegionInstanceTemplate(
    "research-template",
    name_prefix="research-",
    region="europe-west4",
    machine_type="c3-standard-4",
    confidential_instance_config={"confidential_instance_type": "TDX"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    disks=[{"source_image": "ubuntu-os-cloud/ubuntu-2404-lts", "boot": True,
            "auto_delete": True, "disk_size_gb": 50,
            "disk_encryption_key": {"kms_key_self_link": key.id}}],
    network_interfaces=[{"network": "default"}],
)
