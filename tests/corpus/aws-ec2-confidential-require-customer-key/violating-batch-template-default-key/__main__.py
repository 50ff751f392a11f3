"""An AWS Batch compute environment that names, by name, a SEV-SNP template without a customer key."""

import pulumi
import pulumi_aws as aws

template = aws.ec2.LaunchTemplate(
    "snp-template",
    name="snp-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    block_device_mappings=[
        {"device_name": "/dev/xvda", "ebs": {"encrypted": "true", "volume_size": 50}},
    ],
)

environment = aws.batch.ComputeEnvironment(
    "payments-batch",
    type="MANAGED",
    compute_resources={
        "type": "EC2",
        "max_vcpus": 16,
        "subnets": ["subnet-0123456789abcdef0"],
        "security_group_ids": ["sg-0123456789abcdef0"],
        "instance_types": ["m6a"],
        "launch_template": {"launch_template_name": "snp-template"},
    },
    opts=pulumi.ResourceOptions(depends_on=[template]),
)

pulumi.export("environment", environment.arn)
