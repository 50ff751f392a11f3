"""Groups, node groups and Batch that launch a SEV-SNP template on M6a, C6a and R6a only."""

import pulumi_aws as aws

template = aws.ec2.LaunchTemplate(
    "snp-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
)

aws.autoscaling.Group(
    "payments-asg",
    min_size=1,
    max_size=3,
    vpc_zone_identifiers=["subnet-0123456789abcdef0"],
    mixed_instances_policy={"launch_template": {
        "launch_template_specification": {"launch_template_id": template.id},
        "overrides": [{"instance_type": "m6a.large"}, {"instance_type": "c6a.xlarge"},
                      {"instance_type": "r6a.2xlarge"}],
    }},
)
aws.eks.NodeGroup(
    "payments-nodes",
    cluster_name="payments",
    node_role_arn="arn:aws:iam::123456789012:role/nodes",
    subnet_ids=["subnet-0123456789abcdef0"],
    scaling_config={"desired_size": 2, "max_size": 3, "min_size": 1},
    instance_types=["c6a.large"],
    launch_template={"id": template.id, "version": "$Latest"},
)
aws.batch.ComputeEnvironment(
    "payments-batch",
    type="MANAGED",
    compute_resources={
        "type": "EC2",
        "max_vcpus": 16,
        "subnets": ["subnet-0123456789abcdef0"],
        "security_group_ids": ["sg-0123456789abcdef0"],
        "instance_types": ["m6a", "r6a.xlarge"],
        "launch_template": {"launch_template_id": template.id},
    },
)
