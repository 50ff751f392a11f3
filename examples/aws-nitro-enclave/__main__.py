"""A Nitro Enclaves parent whose data key only the attested enclave image can use.

The key policy grants Decrypt and GenerateDataKey to the parent's role *only* with a
kms:RecipientAttestation:ImageSha384 condition (PCR0 of the production enclave
image), and grants the parent nothing unconditioned: the parent instance itself
cannot decrypt. The instance's own volume uses a customer key too.
"""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
image_sha384 = config.require("enclaveImageSha384")
account = aws.get_caller_identity().account_id

role = aws.iam.Role(
    "parent-role",
    name="payments-enclave-parent",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                       "Principal": {"Service": "ec2.amazonaws.com"}}],
    }),
)
profile = aws.iam.InstanceProfile("parent-profile", name="payments-enclave-parent",
                                  role=role.name)


def enclave_key_policy(role_arn: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "KeyAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:role/key-admins"},
                "Action": ["kms:Describe*", "kms:Put*", "kms:Enable*", "kms:Disable*",
                           "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"],
                "Resource": "*",
            },
            {
                "Sid": "ReleaseOnlyToTheAttestedEnclave",
                "Effect": "Allow",
                "Principal": {"AWS": role_arn},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"StringEqualsIgnoreCase": {
                    "kms:RecipientAttestation:ImageSha384": image_sha384}},
            },
        ],
    })


enclave_key = aws.kms.Key("enclave-key", description="payments enclave data key",
                          policy=role.arn.apply(enclave_key_policy))
volume_key = aws.kms.Key("volume-key", description="payments parent volume")

parent = aws.ec2.Instance(
    "parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile=profile.name,
    root_block_device={"encrypted": True, "kms_key_id": volume_key.arn},
    tags={"data-classification": "confidential"},
)

pulumi.export("enclave_key_arn", enclave_key.arn)
