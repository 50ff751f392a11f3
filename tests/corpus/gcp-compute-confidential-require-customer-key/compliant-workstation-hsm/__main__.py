"""A Workstations configuration on SEV Confidential VMs whose disks use the customer's
HSM key."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="research", location="europe-west4")
key = gcp.kms.CryptoKey(
    "disk-key",
    name="research-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

gcp.workstations.WorkstationConfig(
    "desktops",
    workstation_config_id="desktops",
    workstation_cluster_id="engineering",
    location="europe-west4",
    host={"gce_instance": {
        "machine_type": "n2d-standard-4",
        "confidential_instance_config": {"enable_confidential_compute": True},
    }},
    encryption_key={"kms_key": key.id,
                    "kms_key_service_account": "workstations@research.iam.gserviceaccount.com"},
)
