"""A Nitro Enclaves parent whose data volume names the AWS-managed alias by ARN."""

import pulumi
import pulumi_aws as aws

region = aws.get_region()
caller = aws.get_caller_identity()
aws_managed = f"arn:aws:kms:{region.region}:{caller.account_id}:alias/aws/ebs"

customer_key = aws.kms.Key("root-key", description="root volume")

parent = aws.ec2.Instance(
    "enclave-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    root_block_device={"encrypted": True, "kms_key_id": customer_key.arn},
    ebs_block_devices=[
        {"device_name": "/dev/sdf", "encrypted": True, "kms_key_id": aws_managed},
    ],
)

pulumi.export("parent_id", parent.id)
