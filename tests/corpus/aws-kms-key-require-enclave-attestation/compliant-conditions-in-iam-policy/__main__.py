"""Default key policy; the parent role's inline IAM policy allows Decrypt only with the production image's PCR0 and the parent's PCR4."""

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
aws.iam.RolePolicy(
    "enclave-decrypt",
    name="enclave-decrypt",
    role=role.id,
    policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*",
        "Condition": {"StringEqualsIgnoreCase": {
            "kms:RecipientAttestation:PCR0": "9f2b8c1d9f2b8c1d9f2b8c1d9f2b8c1d9f2b8c1d9f2b8c1d9f2b8c1d9f2b8c1d9f2b8c1d9f2b8c1d9f2b8c1d9f2b8c1d",
            "kms:RecipientAttestation:PCR4": "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"}}}]}),
)

aws.ec2.Instance(
    "enclave-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile=profile.name,
    root_block_device={"encrypted": True, "kms_key_id": disk_key.arn},
)
