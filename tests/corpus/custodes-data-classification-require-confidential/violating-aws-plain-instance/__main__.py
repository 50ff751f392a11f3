"""An ordinary EC2 instance tagged data-classification=confidential."""

import pulumi_aws as aws

aws.ec2.Instance(
    "ledger",
    ami="ami-0123456789abcdef0",
    instance_type="m6i.large",
    tags={"data-classification": "confidential", "team": "ledger"},
)
