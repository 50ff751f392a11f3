"""A Confidential VM turned on with the older enable_confidential_compute switch, Google-keyed."""

import pulumi_gcp as gcp

gcp.compute.Instance(
    "payments",
    name="payments",
    zone="us-central1-b",
    machine_type="c2d-standard-4",
    confidential_instance_config={"enable_confidential_compute": True},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {"image": "cos-cloud/cos-stable"}, "auto_delete": True},
    network_interfaces=[{"network": "default"}],
)
