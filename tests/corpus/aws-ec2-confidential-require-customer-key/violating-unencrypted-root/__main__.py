"""A Nitro Enclaves parent whose root volume is not encrypted at all."""

import pulumi_aws as aws

aws.ec2.Instance(
    "payments",
    ami="ami-0123456789abcdef0",
    instance_type="c5.2xlarge",
    enclave_options={"enabled": True},
    root_block_device={"encrypted": False, "volume_size": 20},
)
