"""A Nitro Enclaves parent on m5.large: two vCPUs leave none for the enclave."""

import pulumi_aws as aws

aws.ec2.Instance(
    "enclave-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.large",
    enclave_options={"enabled": True},
)
