"""A SEV-SNP launch template whose block device mapping has no customer key."""

import pulumi
import pulumi_aws as aws

template = aws.ec2.LaunchTemplate(
    "snp-template",
    image_id="ami-0123456789abcdef0",
    instance_type="c6a.xlarge",
    cpu_options={"amd_sev_snp": "enabled"},
    block_device_mappings=[
        {"device_name": "/dev/xvda", "ebs": {"encrypted": "true", "volume_size": 50}},
    ],
)

pulumi.export("template_id", template.id)
