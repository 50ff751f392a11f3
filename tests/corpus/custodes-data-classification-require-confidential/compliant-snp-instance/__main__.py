"""A workload tagged confidential that runs under AMD SEV-SNP."""

import pulumi_aws as aws

key = aws.kms.Key("ledger-key", description="ledger volumes")

aws.ec2.Instance(
    "ledger",
    ami="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True, "kms_key_id": key.arn},
    tags={"data-classification": "confidential", "team": "ledger"},
)
