"""A SEV-SNP instance whose customer key is used without any attestation condition."""

import pulumi_aws as aws

key = aws.kms.Key("volumes", description="payments volumes")

aws.ec2.Instance(
    "payments",
    ami="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True, "kms_key_id": key.arn},
)
