"""Confidential VMs whose secrets Google holds: custodes rejects them.

* The TDX VM's boot disk has no kmsKeySelfLink: a Google-managed key.
* It keeps the default MIGRATE maintenance policy, which TDX cannot honour.
* A VM labelled confidential is not a Confidential VM at all.
"""

import pulumi
import pulumi_gcp as gcp

tdx = gcp.compute.Instance(
    "analytics",
    name="analytics",
    machine_type="c3-standard-4",
    confidential_instance_config={"confidential_instance_type": "TDX"},
    boot_disk={"initialize_params": {"image": "ubuntu-os-cloud/ubuntu-2204-lts"}},
    network_interfaces=[{"network": "default"}],
)

plain = gcp.compute.Instance(
    "reports",
    name="reports",
    machine_type="e2-standard-2",
    boot_disk={"initialize_params": {"image": "debian-cloud/debian-12"}},
    network_interfaces=[{"network": "default"}],
    labels={"data-classification": "restricted"},
)

pulumi.export("instances", [tdx.self_link, plain.self_link])
