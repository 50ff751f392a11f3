"""A SEV-SNP instance template on c3d-standard-4."""

import pulumi_gcp as gcp

gcp.compute.InstanceTemplate(
    "payments-template",
    name_prefix="payments-",
    machine_type="c3d-standard-4",
    min_cpu_platform="AMD Milan",
    confidential_instance_config={"confidential_instance_type": "SEV_SNP"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    disks=[{"source_image": "ubuntu-os-cloud/ubuntu-2204-lts", "boot": True}],
    network_interfaces=[{"network": "default"}],
)
