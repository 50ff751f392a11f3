"""A launch template enabling Nitro Enclaves on m7i.2xlarge, a family without enclaves."""

import pulumi_aws as aws

aws.ec2.LaunchTemplate(
    "enclave-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m7i.2xlarge",
    enclave_options={"enabled": True},
)
