"""An Auto Scaling group whose mixed-instances override launches a SEV-SNP template on m5."""

import pulumi
import pulumi_aws as aws

template = aws.ec2.LaunchTemplate(
    "snp-template",
    image_id="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
)

group = aws.autoscaling.Group(
    "payments-asg",
    min_size=1,
    max_size=3,
    vpc_zone_identifiers=["subnet-0123456789abcdef0"],
    mixed_instances_policy={
        "launch_template": {
            "launch_template_specification": {
                "launch_template_id": template.id,
                "version": "$Latest",
            },
            "overrides": [{"instance_type": "m6a.large"}, {"instance_type": "m5.large"}],
        },
    },
)

pulumi.export("group", group.name)
