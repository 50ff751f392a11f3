"""An instance with both SEV-SNP and Nitro Enclaves: one of its founders is AWS."""

import pulumi_aws as aws

aws.ec2.Instance(
    "snp-enclave",
    ami="ami-0123456789abcdef0",
    instance_type="m6a.xlarge",
    cpu_options={"amd_sev_snp": "enabled"},
    enclave_options={"enabled": True},
)
