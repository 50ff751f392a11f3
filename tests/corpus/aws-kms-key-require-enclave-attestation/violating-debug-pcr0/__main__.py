"""A KMS key conditioned on PCR0 = all zeros: any enclave in debug mode gets it."""

import json

import pulumi_aws as aws

account = aws.get_caller_identity().account_id

role = aws.iam.Role(
    "enclave-parent",
    name="enclave-parent",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }),
)
profile = aws.iam.InstanceProfile("enclave-parent", name="enclave-parent", role=role.name)

aws.kms.Key(
    "enclave-key",
    policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:role/enclave-parent"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:PCR0": "0" * 96}},
        }],
    }),
)

aws.ec2.Instance(
    "payments-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.2xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile=profile.name,
)
