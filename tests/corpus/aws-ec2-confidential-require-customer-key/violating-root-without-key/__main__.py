"""A SEV-SNP instance whose encrypted root volume names no key: AWS's aws/ebs key."""

import pulumi
import pulumi_aws as aws

server = aws.ec2.Instance(
    "payments",
    ami="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True, "volume_size": 30},
)

pulumi.export("instance_id", server.id)
