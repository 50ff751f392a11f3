"""A KMS key that releases to the enclave parent's role only on a production enclave's attestation."""

import json

import pulumi
import pulumi_aws as aws

caller = aws.get_caller_identity()
account = caller.account_id
IMAGE_SHA384 = "9f2b8c1d" * 12
SIGNING_PCR8 = "4e7a1b3c" * 12

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
    description="released to the payments enclave only",
    policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "KeyAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*",
                           "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*",
                           "kms:Get*", "kms:Delete*", "kms:ScheduleKeyDeletion",
                           "kms:CancelKeyDeletion", "kms:TagResource", "kms:UntagResource"],
                "Resource": "*",
            },
            {
                "Sid": "EnclaveOnly",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:role/enclave-parent"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"StringEqualsIgnoreCase": {
                    "kms:RecipientAttestation:ImageSha384": IMAGE_SHA384,
                    "kms:RecipientAttestation:PCR8": SIGNING_PCR8,
                }},
            },
        ],
    }),
)

aws.ec2.Instance(
    "payments-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile=profile.name,
    root_block_device={"encrypted": True, "kms_key_id": key.arn},
)

pulumi.export("key_arn", key.arn)
