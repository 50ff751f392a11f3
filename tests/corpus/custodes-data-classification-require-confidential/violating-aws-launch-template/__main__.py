"""A launch template tagged confidential without SEV-SNP or enclaves."""

import pulumi_aws as aws

aws.ec2.LaunchTemplate(
    "ledger-template",
    image_id="ami-0123456789abcdef0",
    instance_type="c6a.large",
    tags={"data-classification": "confidential"},
)
