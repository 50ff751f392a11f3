"""SEV-SNP requested on m5.large, an Intel type."""

import pulumi_aws as aws

aws.ec2.Instance(
    "snp",
    ami="ami-0123456789abcdef0",
    instance_type="m5.large",
    cpu_options={"amd_sev_snp": "enabled"},
)
