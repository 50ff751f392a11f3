"""A SEV-SNP instance whose root and data volumes use a customer key held in CloudHSM."""

import pulumi
import pulumi_aws as aws

store = aws.kms.CustomKeyStore(
    "hsm-store",
    custom_key_store_name="payments-hsm",
    cloud_hsm_cluster_id="cluster-1234567890a",
    trust_anchor_certificate="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
)
key = aws.kms.Key("volumes", description="payments volumes", custom_key_store_id=store.id)

server = aws.ec2.Instance(
    "payments",
    ami="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True, "kms_key_id": key.arn, "volume_size": 30},
    ebs_block_devices=[
        {"device_name": "/dev/sdf", "encrypted": True, "kms_key_id": key.arn, "volume_size": 100},
    ],
)

pulumi.export("instance_id", server.id)
