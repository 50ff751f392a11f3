"""An AWS Batch environment that launches a SEV-SNP template on Batch's 'optimal' instance types."""

import pulumi
import pulumi_aws as aws

template = aws.ec2.LaunchTemplate(
    "snp-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
)

environment = aws.batch.ComputeEnvironment(
    "payments-batch",
    type="MANAGED",
    compute_resources={
        "type": "EC2",
        "max_vcpus": 16,
        "subnets": ["subnet-0123456789abcdef0"],
        "security_group_ids": ["sg-0123456789abcdef0"],
        "instance_types": ["optimal"],
        "launch_template": {"launch_template_id": template.id},
    },
)

pulumi.export("environment", environment.arn)
