"""An aws-native SEV-SNP instance whose block device mapping names no KMS key."""

import pulumi
import pulumi_aws_native as aws_native

# CloudFormation's AWS::EC2::Instance CpuOptions has no AmdSevSnp (nor does
# pulumi-aws-native's CpuOptionsPropertiesArgs); an input that carries it anyway
# turns SEV-SNP on in the stack's state and must be judged, not passed.
server = aws_native.ec2.Instance(
    "payments",
    image_id="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amdSevSnp": "enabled"},
    block_device_mappings=[
        {"device_name": "/dev/xvda", "ebs": {"encrypted": True, "volume_size": 30}},
    ],
)

pulumi.export("instance_id", server.instance_id)
