"""A launch template requesting SEV-SNP on m7a.large."""

import pulumi_aws as aws

aws.ec2.LaunchTemplate(
    "snp-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m7a.large",
    cpu_options={"amd_sev_snp": "enabled"},
)
