"""An Auto Scaling group that launches an enclave template on t3."""

import pulumi
import pulumi_aws as aws

template = aws.ec2.LaunchTemplate(
    "enclave-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
)

group = aws.autoscaling.Group(
    "signer-asg",
    min_size=1,
    max_size=2,
    vpc_zone_identifiers=["subnet-0123456789abcdef0"],
    mixed_instances_policy={"launch_template": {
        "launch_template_specification": {"launch_template_id": template.id},
        "overrides": [{"instance_type": "t3.xlarge"}],
    }},
)

pulumi.export("group", group.name)
