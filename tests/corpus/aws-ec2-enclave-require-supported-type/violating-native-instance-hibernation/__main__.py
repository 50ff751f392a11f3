"""An aws-native enclave parent with hibernation configured."""

import pulumi
import pulumi_aws_native as aws_native

parent = aws_native.ec2.Instance(
    "signer",
    image_id="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    hibernation_options={"configured": True},
)

pulumi.export("instance_id", parent.instance_id)
