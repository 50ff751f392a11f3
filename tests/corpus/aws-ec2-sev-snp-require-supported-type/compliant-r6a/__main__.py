"""A SEV-SNP instance on r6a.large."""

import pulumi_aws as aws

aws.ec2.Instance(
    "snp",
    ami="ami-0123456789abcdef0",
    instance_type="r6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
)
