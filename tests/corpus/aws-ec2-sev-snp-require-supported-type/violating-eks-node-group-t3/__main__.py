"""An EKS node group whose instance types override a SEV-SNP template with t3."""

import pulumi
import pulumi_aws as aws

template = aws.ec2.LaunchTemplate(
    "snp-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
)

nodes = aws.eks.NodeGroup(
    "payments-nodes",
    cluster_name="payments",
    node_role_arn="arn:aws:iam::123456789012:role/nodes",
    subnet_ids=["subnet-0123456789abcdef0"],
    scaling_config={"desired_size": 2, "max_size": 3, "min_size": 1},
    instance_types=["t3.large"],
    launch_template={"id": template.id, "version": "$Latest"},
)

pulumi.export("node_group", nodes.id)
