"""A KMS key with an attested statement for the enclave and an unconditioned one for its parent."""

import json

import pulumi_aws as aws

account = aws.get_caller_identity().account_id
parent_role_arn = f"arn:aws:iam::{account}:role/enclave-parent"

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

key = aws.kms.Key(
    "enclave-key",
    policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EnclaveDecrypt",
                "Effect": "Allow",
                "Principal": {"AWS": parent_role_arn},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEqualsIgnoreCase": {
                    "kms:RecipientAttestation:ImageSha384": "9f2b8c1d" * 12,
                }},
            },
            {
                "Sid": "ParentEncryptDecrypt",
                "Effect": "Allow",
                "Principal": {"AWS": parent_role_arn},
                "Action": ["kms:Encrypt", "kms:Decrypt"],
                "Resource": "*",
            },
        ],
    }),
)

aws.ec2.Instance(
    "payments-parent",
    ami="ami-0123456789abcdef0",
    instance_type="c5.xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile=profile.name,
)
