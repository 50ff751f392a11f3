"""An EC2 Fleet that overrides a SEV-SNP template's instance type with c5."""

import pulumi
import pulumi_aws as aws

template = aws.ec2.LaunchTemplate(
    "snp-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
)

fleet = aws.ec2.Fleet(
    "payments-fleet",
    launch_template_configs=[{
        "launch_template_specification": {"launch_template_id": template.id, "version": "$Latest"},
        "overrides": [{"instance_type": "c5.xlarge"}],
    }],
    target_capacity_specification={
        "default_target_capacity_type": "on-demand",
        "total_target_capacity": 2,
    },
)

pulumi.export("fleet", fleet.id)
