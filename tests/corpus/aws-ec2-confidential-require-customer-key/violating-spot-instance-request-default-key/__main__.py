"""A SEV-SNP spot instance request whose root volume names no KMS key."""

import pulumi
import pulumi_aws as aws

request = aws.ec2.SpotInstanceRequest(
    "batch-worker",
    ami="ami-0123456789abcdef0",
    instance_type="c6a.large",
    spot_price="0.05",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True, "volume_size": 30},
)

pulumi.export("request_id", request.id)
