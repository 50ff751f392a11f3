"""A Nitro Enclaves parent: AWS is both the provider and the founder."""

import pulumi_aws as aws

aws.ec2.Instance(
    "enclave-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
)
