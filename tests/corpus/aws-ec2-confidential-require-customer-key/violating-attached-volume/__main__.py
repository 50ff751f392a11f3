"""A SEV-SNP instance with a customer-keyed root, but an attached volume on the AWS key."""

import pulumi_aws as aws

key = aws.kms.Key("root-key", description="root volume")

server = aws.ec2.Instance(
    "payments",
    ami="ami-0123456789abcdef0",
    instance_type="r6a.large",
    availability_zone="us-east-1a",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True, "kms_key_id": key.arn},
)

data = aws.ebs.Volume("ledger-data", availability_zone="us-east-1a", size=200, encrypted=True)

aws.ec2.VolumeAttachment(
    "ledger-data-attachment",
    device_name="/dev/sdh",
    instance_id=server.id,
    volume_id=data.id,
)
