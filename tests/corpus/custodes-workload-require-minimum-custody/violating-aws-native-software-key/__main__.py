"""An aws-native SEV-SNP launch template whose volume key is an aws-native KMS key (software, multi-tenant)."""

import pulumi
import pulumi_aws_native as aws_native

key = aws_native.kms.Key("volumes", description="payments volumes")
template = aws_native.ec2.LaunchTemplate(
    "snp-template",
    launch_template_data={
        "image_id": "ami-0123456789abcdef0",
        "instance_type": "c6a.large",
        "cpu_options": {"amd_sev_snp": aws_native.ec2.LaunchTemplateCpuOptionsAmdSevSnp.ENABLED},
        "block_device_mappings": [
            {"device_name": "/dev/xvda",
             "ebs": {"encrypted": True, "kms_key_id": key.arn, "volume_size": 50}},
        ],
    },
)

pulumi.export("template_id", template.launch_template_id)
