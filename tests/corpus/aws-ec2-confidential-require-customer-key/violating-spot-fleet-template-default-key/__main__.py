"""A Spot Fleet request that launches a SEV-SNP template whose volume has no customer key."""

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

fleet_role = aws.iam.Role(
    "fleet-role",
    assume_role_policy="""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Service": "spotfleet.amazonaws.com"}, "Action": "sts:AssumeRole"}]}""",
)
fleet = aws.ec2.SpotFleetRequest(
    "payments-spot-fleet",
    iam_fleet_role=fleet_role.arn,
    target_capacity=2,
    launch_template_configs=[{
        "launch_template_specification": {"id": template.id, "version": "$Latest"},
        "overrides": [{"instance_type": "r6a.large"}],
    }],
)

pulumi.export("fleet", fleet.id)
