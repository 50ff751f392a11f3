"""A SEV-SNP instance: the founder is AMD, not the provider."""

import pulumi_aws as aws

aws.ec2.Instance(
    "payments",
    ami="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
)
