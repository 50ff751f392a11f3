"""An EXTERNAL-origin KMS key: its material is imported with the AWS CLI, not by the stack."""

import pulumi
import pulumi_aws as aws

key = aws.kms.ExternalKey(
    "imported",
    description="material imported from the on-premises HSM",
    deletion_window_in_days=30,
)

pulumi.export("key_arn", key.arn)
