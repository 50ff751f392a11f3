"""A Dataproc cluster of SEV Confidential VMs whose persistent disks use the customer's
HSM key."""

import pulumi_gcp as gcp

ring = gcp.kms.KeyRing("ring", name="research", location="europe-west4")
key = gcp.kms.CryptoKey(
    "disk-key",
    name="research-disk",
    key_ring=ring.id,
    version_template={"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protection_level": "HSM"},
)

gcp.dataproc.Cluster(
    "analytics",
    name="analytics",
    region="europe-west4",
    cluster_config={
        "gce_cluster_config": {
            "confidential_instance_config": {"enable_confidential_compute": True},
        },
        "master_config": {"machine_type": "n2d-standard-4"},
        "worker_config": {"machine_type": "n2d-standard-4", "num_instances": 2},
        "encryption_config": {"kms_key_name": key.id},
    },
)
