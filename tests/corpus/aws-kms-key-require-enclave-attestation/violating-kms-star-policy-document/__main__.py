"""A KMS key whose policy, built with get_policy_document, grants the parent role kms:*."""

import json

import pulumi_aws as aws

account = aws.get_caller_identity().account_id

role = aws.iam.Role(
    "enclave-parent",
    name="payments-enclave-parent",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }),
)
profile = aws.iam.InstanceProfile("enclave-parent", role=role.name)

policy = aws.iam.get_policy_document(statements=[
    {
        "sid": "ParentRole",
        "effect": "Allow",
        "principals": [{"type": "AWS",
                        "identifiers": [f"arn:aws:iam::{account}:role/payments-enclave-parent"]}],
        "actions": ["kms:*"],
        "resources": ["*"],
    },
])

aws.kms.Key("enclave-key", policy=policy.json)

template = aws.ec2.LaunchTemplate(
    "payments-parent",
    image_id="ami-0123456789abcdef0",
    instance_type="m6i.xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile={"name": profile.name},
)
