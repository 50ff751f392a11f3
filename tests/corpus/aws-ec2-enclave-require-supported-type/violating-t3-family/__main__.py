"""A Nitro Enclaves parent on t3.xlarge, a family without enclave support."""

import pulumi_aws as aws

aws.ec2.Instance(
    "enclave-parent",
    ami="ami-0123456789abcdef0",
    instance_type="t3.xlarge",
    enclave_options={"enabled": True},
)
