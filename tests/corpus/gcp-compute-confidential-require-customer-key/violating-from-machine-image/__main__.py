"""An SEV instance restored from a machine image, with no instanceEncryptionKey."""

import pulumi_gcp as gcp

gcp.compute.InstanceFromMachineImage(
    "restored",
    name="restored",
    zone="europe-west4-a",
    source_machine_image="projects/research/global/machineImages/ledger-2026-11",
    machine_type="n2d-standard-4",
    confidential_instance_config={"enable_confidential_compute": True},
    scheduling={"on_host_maintenance": "TERMINATE"},
)
