"""An aws-native SEV-SNP launch template on m5."""

import pulumi
import pulumi_aws_native as aws_native

template = aws_native.ec2.LaunchTemplate(
    "snp-template",
    launch_template_data={
        "image_id": "ami-0123456789abcdef0",
        "instance_type": "m5.large",
        "cpu_options": {"amd_sev_snp": aws_native.ec2.LaunchTemplateCpuOptionsAmdSevSnp.ENABLED},
    },
)

pulumi.export("template_id", template.launch_template_id)
