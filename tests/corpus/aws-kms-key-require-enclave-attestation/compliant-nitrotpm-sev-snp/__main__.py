"""A SEV-SNP instance whose role may decrypt only with its attestable AMI's NitroTPM PCR4 and PCR12."""
import json

import pulumi_aws as aws

role = aws.iam.Role(
    "snp-host",
    name="snp-host",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }),
)
profile = aws.iam.InstanceProfile("snp-host", name="snp-host", role=role.name)
key = aws.kms.Key(
    "tpm-key",
    description="released to the attestable AMI",
    policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:Put*"], "Resource": "*"},
        {"Sid": "AttestedAmi", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/snp-host"},
         "Action": ["kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEqualsIgnoreCase": {
             "kms:RecipientAttestation:NitroTPMPCR4": "a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4",
             "kms:RecipientAttestation:NitroTPMPCR12": "b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5"}}}]}),
)
aws.ec2.Instance(
    "snp-host",
    ami="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    iam_instance_profile=profile.name,
    root_block_device={"encrypted": True, "kms_key_id": key.arn},
)
