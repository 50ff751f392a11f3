"""Groups, fleets, node groups, Batch and spot requests launched from a CloudHSM-keyed SEV-SNP template."""

import pulumi
import pulumi_aws as aws

store = aws.kms.CustomKeyStore(
    "hsm-store",
    custom_key_store_name="payments-hsm",
    cloud_hsm_cluster_id="cluster-1234567890a",
    trust_anchor_certificate="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
)
key = aws.kms.Key("volumes", description="payments volumes", custom_key_store_id=store.id)

template = aws.ec2.LaunchTemplate(
    "snp-template",
    name="snp-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    block_device_mappings=[
        {"device_name": "/dev/xvda",
         "ebs": {"encrypted": "true", "kms_key_id": key.arn, "volume_size": 50}},
    ],
)
spec = {"launch_template_id": template.id, "version": "$Latest"}
aws.autoscaling.Group(
    "payments-asg",
    min_size=1,
    max_size=3,
    vpc_zone_identifiers=["subnet-0123456789abcdef0"],
    launch_template={"id": template.id, "version": "$Latest"},
)
aws.autoscaling.Group(
    "payments-mixed-asg",
    min_size=1,
    max_size=3,
    vpc_zone_identifiers=["subnet-0123456789abcdef0"],
    mixed_instances_policy={"launch_template": {
        "launch_template_specification": spec,
        "overrides": [{"instance_type": "m6a.large"}, {"instance_type": "c6a.xlarge"}],
    }},
)
aws.ec2.Fleet(
    "payments-fleet",
    launch_template_configs=[{"launch_template_specification": spec,
                              "overrides": [{"instance_type": "r6a.large"}]}],
    target_capacity_specification={"default_target_capacity_type": "on-demand",
                                   "total_target_capacity": 2},
)
fleet_role = aws.iam.Role(
    "fleet-role",
    assume_role_policy="""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Service": "spotfleet.amazonaws.com"}, "Action": "sts:AssumeRole"}]}""",
)
aws.ec2.SpotFleetRequest(
    "payments-spot-fleet",
    iam_fleet_role=fleet_role.arn,
    target_capacity=2,
    launch_template_configs=[{
        "launch_template_specification": {"id": template.id, "version": "$Latest"},
    }],
)
aws.eks.NodeGroup(
    "payments-nodes",
    cluster_name="payments",
    node_role_arn=fleet_role.arn,
    subnet_ids=["subnet-0123456789abcdef0"],
    scaling_config={"desired_size": 2, "max_size": 3, "min_size": 1},
    instance_types=["m6a.large"],
    launch_template={"name": "snp-template", "version": "$Latest"},
    opts=pulumi.ResourceOptions(depends_on=[template]),
)
aws.batch.ComputeEnvironment(
    "payments-batch",
    type="MANAGED",
    compute_resources={
        "type": "EC2",
        "max_vcpus": 16,
        "subnets": ["subnet-0123456789abcdef0"],
        "security_group_ids": ["sg-0123456789abcdef0"],
        "instance_types": ["m6a", "c6a.2xlarge"],
        "launch_template": {"launch_template_id": template.id},
    },
)
aws.ec2.SpotInstanceRequest(
    "batch-worker",
    launch_template={"id": template.id},
    spot_price="0.05",
)
