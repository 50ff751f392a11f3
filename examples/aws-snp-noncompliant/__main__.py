"""A SEV-SNP instance whose disks AWS can decrypt: no kmsKeyId means the aws/ebs key."""

import pulumi
import pulumi_aws as aws

ami = aws.ec2.get_ami(
    most_recent=True,
    owners=["amazon"],
    filters=[{"name": "name", "values": ["al2023-ami-*-x86_64"]}],
)

server = aws.ec2.Instance(
    "payments",
    ami=ami.id,
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True, "volume_size": 30},
    ebs_block_devices=[
        {"device_name": "/dev/sdf", "encrypted": True, "kms_key_id": "alias/aws/ebs"},
    ],
    tags={"data-classification": "confidential"},
)

pulumi.export("instance_id", server.id)
