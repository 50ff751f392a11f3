"""aws-native only: the parent role's inline policy (aws-native:iam:Role policies) allows
kms:Decrypt on the enclave key with no attestation condition."""

import pulumi_aws_native as aws_native

ACCOUNT = "123456789012"

# The key's policy leaves release to IAM (the account root statement of the default policy).
key = aws_native.kms.Key(
    "enclave-key",
    description="enclave data key",
    key_policy={
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }],
    },
)

role = aws_native.iam.Role(
    "enclave-parent",
    role_name="enclave-parent",
    assume_role_policy_document={
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    },
    policies=[
        {
            "policy_name": "enclave-decrypt",
            "policy_document": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": key.arn,
            }]},
        },
    ],
)
profile = aws_native.iam.InstanceProfile(
    "enclave-parent", instance_profile_name="enclave-parent", roles=[role.role_name])
disk_key = aws_native.kms.Key("disk-key", description="parent root volume")

aws_native.ec2.Instance(
    "enclave-parent",
    image_id="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile=profile.instance_profile_name,
    block_device_mappings=[{"device_name": "/dev/xvda",
                            "ebs": {"encrypted": True, "kms_key_id": disk_key.arn}}],
)
