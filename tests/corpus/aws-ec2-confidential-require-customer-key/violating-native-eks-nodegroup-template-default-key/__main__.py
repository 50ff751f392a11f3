"""An aws-native EKS node group launched from a SEV-SNP aws-native template without a customer key."""

import pulumi
import pulumi_aws_native as aws_native

template = aws_native.ec2.LaunchTemplate(
    "snp-template",
    launch_template_name="snp-template",
    launch_template_data={
        "image_id": "ami-0123456789abcdef0",
        "instance_type": "c6a.xlarge",
        "cpu_options": {"amd_sev_snp": aws_native.ec2.LaunchTemplateCpuOptionsAmdSevSnp.ENABLED},
        "block_device_mappings": [
            {"device_name": "/dev/xvda", "ebs": {"encrypted": True, "volume_size": 80}},
        ],
    },
)

nodes = aws_native.eks.Nodegroup(
    "payments-nodes",
    cluster_name="payments",
    node_role="arn:aws:iam::123456789012:role/nodes",
    subnets=["subnet-0123456789abcdef0"],
    scaling_config={"desired_size": 2, "max_size": 3, "min_size": 1},
    launch_template={"id": template.launch_template_id,
                     "version": template.latest_version_number},
)

pulumi.export("node_group", nodes.id)
