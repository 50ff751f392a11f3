"""An Auto Scaling group launches enclave parents from a template with no public IP."""

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
subnet = aws.ec2.Subnet("private", vpc_id=vpc.id, cidr_block="10.0.1.0/24", map_public_ip_on_launch=False)
sg = aws.ec2.SecurityGroup("parent-sg", vpc_id=vpc.id, ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/16"]}])

# The enclave switch, the metadata options, the interfaces and the security groups are
# the template's: the group sets none of them.
template = aws.ec2.LaunchTemplate(
    "enclave-parents",
    image_id="ami-0123456789abcdef0",
    instance_type="m5.xlarge",
    enclave_options={"enabled": True},
    iam_instance_profile={"arn": profile.arn},
    block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {"encrypted": "true", "kms_key_id": disk_key.arn}}],
    metadata_options={"http_tokens": "required"},
    network_interfaces=[{"device_index": 0, "subnet_id": subnet.id, "associate_public_ip_address": "false", "security_groups": [sg.id]}],
)
aws.autoscaling.Group(
    "parents",
    min_size=1,
    max_size=3,
    vpc_zone_identifiers=[subnet.id],
    launch_template={"id": template.id, "version": "$Latest"},
)
