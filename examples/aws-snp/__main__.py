"""A SEV-SNP instance whose volumes only the customer's HSM-held key can decrypt."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()

key_store = aws.kms.CustomKeyStore(
    "hsm-store",
    custom_key_store_name="payments-hsm",
    custom_key_store_type="AWS_CLOUDHSM",
    cloud_hsm_cluster_id=config.require("cloudHsmClusterId"),
    trust_anchor_certificate="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
)

disk_key = aws.kms.Key(
    "disk-key",
    description="payments volumes",
    custom_key_store_id=key_store.id,
    enable_key_rotation=False,
)

server = aws.ec2.Instance(
    "payments",
    ami="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True, "kms_key_id": disk_key.arn, "volume_size": 30},
    tags={"data-classification": "confidential"},
)

pulumi.export("instance_id", server.id)
