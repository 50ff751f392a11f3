"""An aws-native instance launched from a SEV-SNP launch template whose volume has no KMS key."""

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

server = aws_native.ec2.Instance(
    "payments",
    launch_template={
        "launch_template_id": template.launch_template_id,
        "version": template.latest_version_number,
    },
)

pulumi.export("instance_id", server.instance_id)
