"""A regional SEV-SNP instance template whose disks use a Google-managed key."""

import pulumi_gcp as gcp

gcp.compute.RegionInstanceTemplate(
    "notebooks-template",
    name_prefix="notebooks-",
    region="europe-west4",
    machine_type="n2d-standard-4",
    min_cpu_platform="AMD Milan",
    confidential_instance_config={"confidential_instance_type": "SEV_SNP"},
    scheduling={"on_host_maintenance": "TERMINATE"},
    disks=[{"source_image": "ubuntu-os-cloud/ubuntu-2404-lts", "boot": True,
            "auto_delete": True, "disk_size_gb": 50}],
    network_interfaces=[{"network": "default"}],
)
