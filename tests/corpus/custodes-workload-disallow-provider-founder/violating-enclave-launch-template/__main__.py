"""A launch template for Nitro Enclaves parents."""

import pulumi_aws as aws

aws.ec2.LaunchTemplate(
    "enclave-template",
    image_id="ami-0123456789abcdef0",
    instance_type="c6i.2xlarge",
    enclave_options={"enabled": True},
)
