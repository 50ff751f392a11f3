"""A Confidential VM restored from a Backup and DR backup onto a Google-keyed disk."""

import pulumi_gcp as gcp

gcp.backupdisasterrecovery.RestoreWorkload(
    "restored-ledger",
    location="us-central1",
    backup_vault_id="ledger-vault",
    data_source_id="ledger-source",
    backup_id="ledger-backup-1",
    name="projects/payments/locations/us-central1/backupVaults/ledger-vault/dataSources/"
         "ledger-source/backups/ledger-backup-1",
    compute_instance_target_environment={"project": "payments", "zone": "us-central1-a"},
    compute_instance_restore_properties={
        "name": "ledger-restored",
        "machine_type": "n2d-standard-4",
        "confidential_instance_config": {"enable_confidential_compute": True},
        "scheduling": {"on_host_maintenance": "TERMINATE"},
        "disks": [{"boot": True, "auto_delete": True,
                   "initialize_params": {"disk_name": "ledger-boot"}}],
    },
)
