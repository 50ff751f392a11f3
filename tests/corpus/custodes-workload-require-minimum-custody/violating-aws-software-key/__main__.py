"""A SEV-SNP instance whose volumes use a plain customer-managed KMS key."""

import pulumi_aws as aws

key = aws.kms.Key("volumes", description="payments volumes", enable_key_rotation=True)

aws.ec2.Instance(
    "payments",
    ami="ami-0123456789abcdef0",
    instance_type="c6a.xlarge",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True, "kms_key_id": key.arn},
)
