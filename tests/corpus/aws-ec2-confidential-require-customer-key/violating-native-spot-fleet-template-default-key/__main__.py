"""An aws-native Spot Fleet launched from a SEV-SNP aws-native template without a customer key."""

import pulumi
import pulumi_aws_native as aws_native

template = aws_native.ec2.LaunchTemplate(
    "snp-template",
    launch_template_name="snp-template",
    launch_template_data={
        "image_id": "ami-0123456789abcdef0",
        "instance_type": "m6a.large",
        "cpu_options": {"amd_sev_snp": aws_native.ec2.LaunchTemplateCpuOptionsAmdSevSnp.ENABLED},
        "block_device_mappings": [
            {"device_name": "/dev/xvda", "ebs": {"encrypted": True, "volume_size": 50}},
        ],
    },
)

fleet = aws_native.ec2.SpotFleet(
    "payments-spot-fleet",
    spot_fleet_request_config_data={
        "iam_fleet_role": "arn:aws:iam::123456789012:role/fleet",
        "target_capacity": 2,
        "launch_template_configs": [{"launch_template_specification": {
            "launch_template_id": template.launch_template_id,
            "version": template.latest_version_number,
        }}],
    },
)

pulumi.export("fleet", fleet.id)
