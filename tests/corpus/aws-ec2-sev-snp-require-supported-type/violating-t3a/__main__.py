"""SEV-SNP requested on t3a.large."""

import pulumi_aws as aws

aws.ec2.Instance(
    "snp",
    ami="ami-0123456789abcdef0",
    instance_type="t3a.large",
    cpu_options={"amd_sev_snp": "enabled"},
)
