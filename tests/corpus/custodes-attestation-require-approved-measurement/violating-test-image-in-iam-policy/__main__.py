"""A managed IAM policy pins a test image nobody approved."""

import json

import pulumi_aws as aws

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
disk_key = aws.kms.Key("disk-key", description="parent root volume")

key = aws.kms.Key("enclave-key", description="default policy: IAM decides")
aws.iam.Policy(
    "enclave-decrypt",
    name="enclave-decrypt",
    policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*",
        "Condition": {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:PCR0": "7e577e577e577e577e577e577e577e577e577e577e577e577e577e577e577e577e577e577e577e577e577e577e577e57"}}}]}),
)

aws.ec2.Instance(
    "enclave-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile=profile.name,
    root_block_device={"encrypted": True, "kms_key_id": disk_key.arn},
)
