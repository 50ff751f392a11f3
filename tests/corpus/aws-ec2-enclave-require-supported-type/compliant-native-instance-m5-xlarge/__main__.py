"""An aws-native enclave parent on m5.xlarge and an Auto Scaling group of such parents."""

import pulumi_aws as aws
import pulumi_aws_native as aws_native

template = aws.ec2.LaunchTemplate(
    "enclave-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
)

aws_native.ec2.Instance(
    "signer",
    image_id="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
)
aws.autoscaling.Group(
    "signer-asg",
    min_size=1,
    max_size=2,
    vpc_zone_identifiers=["subnet-0123456789abcdef0"],
    launch_template={"id": template.id, "version": "$Latest"},
)
