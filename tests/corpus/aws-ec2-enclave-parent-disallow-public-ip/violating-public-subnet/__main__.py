"""The parent's subnet maps a public IP on launch."""

import json

import pulumi_aws as aws

role = aws.iam.Role(
    "enclave-parent",
    name="enclave-parent",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }),
)
profile = aws.iam.InstanceProfile("enclave-parent", name="enclave-parent", role=role.name)
disk_key = aws.kms.Key("disk-key", description="parent root volume")

vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
subnet = aws.ec2.Subnet("private", vpc_id=vpc.id, cidr_block="10.0.1.0/24", map_public_ip_on_launch=True)
sg = aws.ec2.SecurityGroup("parent-sg", vpc_id=vpc.id, ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/16"]}])

aws.ec2.Instance(
    "enclave-parent",
    ami="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile=profile.name,
    root_block_device={"encrypted": True, "kms_key_id": disk_key.arn},
    subnet_id=subnet.id,
    vpc_security_group_ids=[sg.id],
    metadata_options={"http_tokens": "required"},
)
