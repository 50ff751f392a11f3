"""A Nitro Enclaves parent whose root volume key is released without attestation."""

import pulumi_aws as aws

key = aws.kms.Key("parent-volumes", description="default key policy")

aws.ec2.Instance(
    "enclave-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    root_block_device={"encrypted": True, "kms_key_id": key.arn},
)
