"""An EKS managed node group launched from a SEV-SNP template whose volume has no customer key."""

import pulumi
import pulumi_aws as aws

template = aws.ec2.LaunchTemplate(
    "snp-template",
    name="snp-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    block_device_mappings=[
        {"device_name": "/dev/xvda", "ebs": {"encrypted": "true", "volume_size": 50}},
    ],
)

node_role = aws.iam.Role(
    "node-role",
    assume_role_policy="""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}""",
)
nodes = aws.eks.NodeGroup(
    "payments-nodes",
    cluster_name="payments",
    node_role_arn=node_role.arn,
    subnet_ids=["subnet-0123456789abcdef0"],
    scaling_config={"desired_size": 2, "max_size": 3, "min_size": 1},
    launch_template={"id": template.id, "version": "$Latest"},
)

pulumi.export("node_group", nodes.id)
