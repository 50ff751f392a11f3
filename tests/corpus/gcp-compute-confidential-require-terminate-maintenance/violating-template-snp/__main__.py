"""A SEV-SNP instance template left on the default maintenance policy."""

import pulumi_gcp as gcp

gcp.compute.InstanceTemplate(
    "payments-template",
    name_prefix="payments-",
    machine_type="n2d-standard-2",
    min_cpu_platform="AMD Milan",
    confidential_instance_config={"confidential_instance_type": "SEV_SNP"},
    scheduling={"automatic_restart": True},
    disks=[{"source_image": "ubuntu-os-cloud/ubuntu-2204-lts", "boot": True}],
    network_interfaces=[{"network": "default"}],
)
