"""SEV-SNP requested on m6g.large, a Graviton type."""

import pulumi_aws as aws

aws.ec2.Instance(
    "snp",
    ami="ami-0123456789abcdef0",
    instance_type="m6g.large",
    cpu_options={"amd_sev_snp": "enabled", "core_count": 2},
)
