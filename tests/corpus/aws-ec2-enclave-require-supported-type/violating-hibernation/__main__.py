"""A Nitro Enclaves parent with hibernation turned on."""

import pulumi_aws as aws

aws.ec2.Instance(
    "enclave-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    hibernation=True,
    root_block_device={"encrypted": True, "volume_size": 40},
)
