"""A KMS key with the default policy, and an IAM policy granting the parent role kms:Decrypt."""

import json

import pulumi_aws as aws

role = aws.iam.Role(
    "enclave-parent",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }),
)
aws.iam.RolePolicy(
    "enclave-parent-kms",
    role=role.id,
    policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:DescribeKey"],
                       "Resource": "*"}],
    }),
)
profile = aws.iam.InstanceProfile("enclave-parent", role=role.name)

aws.kms.Key("enclave-key", description="default key policy")

aws.ec2.Instance(
    "payments-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile=profile.name,
)
