"""A Confidential Space VM booting the production image family."""

import pulumi_gcp as gcp

gcp.compute.Instance(
    "workload",
    name="workload",
    zone="us-central1-a",
    machine_type="n2d-standard-2",
    confidential_instance_config={"confidential_instance_type": "SEV"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    boot_disk={"initialize_params": {
        "image": "projects/confidential-space-images/global/images/family/confidential-space",
    }},
    metadata={"tee-image-reference": "us-docker.pkg.dev/payments/app/server@sha256:" + "7c" * 32},
    network_interfaces=[{"network": "default"}],
)
