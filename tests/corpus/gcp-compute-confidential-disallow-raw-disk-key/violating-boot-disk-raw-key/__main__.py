"""A Confidential VM whose boot disk key is a raw customer-supplied key from secret config."""

import pulumi
import pulumi_gcp as gcp

config = pulumi.Config()

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="us-central1-a",
    machine_type="n2d-standard-2",
    confidential_instance_config={"confidential_instance_type": "SEV"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"},
               "disk_encryption_key_raw": config.require_secret("bootDiskKey")},
    network_interfaces=[{"network": "default"}],
)
