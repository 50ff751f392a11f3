"""An aws-native Batch compute environment launched from a SEV-SNP template without a customer key."""

import pulumi
import pulumi_aws_native as aws_native

template = aws_native.ec2.LaunchTemplate(
    "snp-template",
    launch_template_name="snp-template",
    launch_template_data={
        "image_id": "ami-0123456789abcdef0",
        "instance_type": "r6a.large",
        "cpu_options": {"amd_sev_snp": aws_native.ec2.LaunchTemplateCpuOptionsAmdSevSnp.ENABLED},
        "block_device_mappings": [
            {"device_name": "/dev/xvda", "ebs": {"encrypted": True, "volume_size": 50}},
        ],
    },
)

batch = aws_native.batch.ComputeEnvironment(
    "payments-batch",
    type="MANAGED",
    compute_resources={
        "type": "EC2",
        "maxv_cpus": 16,
        "instance_types": ["r6a.large"],
        "subnets": ["subnet-0123456789abcdef0"],
        "security_group_ids": ["sg-0123456789abcdef0"],
        "instance_role": "arn:aws:iam::123456789012:instance-profile/batch",
        "launch_template": {"launch_template_id": template.launch_template_id},
    },
)

pulumi.export("environment", batch.compute_environment_arn)
