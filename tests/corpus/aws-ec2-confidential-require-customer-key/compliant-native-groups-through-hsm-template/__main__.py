"""aws-native groups, fleets, node groups, Batch, volumes and WorkSpaces instances on CloudHSM keys."""

import pulumi_aws as aws
import pulumi_aws_native as aws_native

store = aws.kms.CustomKeyStore(
    "hsm-store",
    custom_key_store_name="payments-hsm",
    cloud_hsm_cluster_id="cluster-1234567890a",
    trust_anchor_certificate="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
)
key = aws.kms.Key("volumes", description="payments volumes", custom_key_store_id=store.id)

template = aws_native.ec2.LaunchTemplate(
    "snp-template",
    launch_template_name="snp-template",
    launch_template_data={
        "image_id": "ami-0123456789abcdef0",
        "instance_type": "m6a.large",
        "cpu_options": {"amd_sev_snp": aws_native.ec2.LaunchTemplateCpuOptionsAmdSevSnp.ENABLED},
        "block_device_mappings": [
            {"device_name": "/dev/xvda",
             "ebs": {"encrypted": True, "kms_key_id": key.arn, "volume_size": 50}},
        ],
    },
)
spec = {"launch_template_id": template.launch_template_id,
        "version": template.latest_version_number}
aws_native.autoscaling.AutoScalingGroup(
    "payments-asg",
    min_size="1",
    max_size="3",
    vpc_zone_identifier=["subnet-0123456789abcdef0"],
    mixed_instances_policy={"launch_template": {
        "launch_template_specification": spec,
        "overrides": [{"instance_type": "m6a.large"}, {"instance_type": "r6a.large"}],
    }},
)
aws_native.ec2.Ec2Fleet(
    "payments-fleet",
    launch_template_configs=[{"launch_template_specification": spec}],
    target_capacity_specification={"total_target_capacity": 2},
)
aws_native.ec2.SpotFleet(
    "payments-spot-fleet",
    spot_fleet_request_config_data={
        "iam_fleet_role": "arn:aws:iam::123456789012:role/fleet",
        "target_capacity": 2,
        "launch_template_configs": [{"launch_template_specification": spec}],
    },
)
aws_native.eks.Nodegroup(
    "payments-nodes",
    cluster_name="payments",
    node_role="arn:aws:iam::123456789012:role/nodes",
    subnets=["subnet-0123456789abcdef0"],
    launch_template={"id": template.launch_template_id,
                     "version": template.latest_version_number},
)
aws_native.batch.ComputeEnvironment(
    "payments-batch",
    type="MANAGED",
    compute_resources={
        "type": "EC2",
        "maxv_cpus": 16,
        "subnets": ["subnet-0123456789abcdef0"],
        "launch_template": {"launch_template_id": template.launch_template_id},
    },
)
server = aws_native.ec2.Instance(
    "payments",
    launch_template={"launch_template_id": template.launch_template_id,
                     "version": template.latest_version_number},
    availability_zone="us-east-1a",
)
data = aws_native.ec2.Volume("data", availability_zone="us-east-1a", size=100,
                             encrypted=True, kms_key_id=key.arn)
aws_native.ec2.VolumeAttachment("data-attachment", instance_id=server.instance_id,
                                volume_id=data.volume_id, device="/dev/sdf")
aws_native.workspacesinstances.WorkspaceInstance(
    "signer-desk",
    managed_instance={
        "image_id": "ami-0123456789abcdef0",
        "instance_type": "m5.xlarge",
        "enclave_options": {"enabled": True},
        "block_device_mappings": [
            {"device_name": "/dev/xvda",
             "ebs": {"encrypted": True, "kms_key_id": key.arn, "volume_size": 50}},
        ],
    },
)
