"""An aws-native SEV-SNP template whose volume names an aws-native KMS key by its alias."""

import pulumi
import pulumi_aws_native as aws_native

key = aws_native.kms.Key("volumes", description="payments volumes")
alias = aws_native.kms.Alias("volumes-alias", alias_name="alias/payments-volumes",
                             target_key_id=key.key_id)
template = aws_native.ec2.LaunchTemplate(
    "snp-template",
    launch_template_data={
        "image_id": "ami-0123456789abcdef0",
        "instance_type": "c6a.large",
        "cpu_options": {"amd_sev_snp": aws_native.ec2.LaunchTemplateCpuOptionsAmdSevSnp.ENABLED},
        "block_device_mappings": [
            {"device_name": "/dev/xvda",
             "ebs": {"encrypted": True, "kms_key_id": alias.alias_name, "volume_size": 50}},
        ],
    },
)

pulumi.export("template_id", template.launch_template_id)
