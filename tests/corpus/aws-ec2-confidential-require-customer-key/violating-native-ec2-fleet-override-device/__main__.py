"""An aws-native EC2 Fleet whose override maps a volume without a key over a CloudHSM-keyed SEV-SNP template."""

import pulumi
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
fleet = aws_native.ec2.Ec2Fleet(
    "payments-fleet",
    launch_template_configs=[{
        "launch_template_specification": {
            "launch_template_id": template.launch_template_id,
            "version": template.latest_version_number,
        },
        "overrides": [{
            "instance_type": "m6a.xlarge",
            "block_device_mappings": [
                {"device_name": "/dev/sdf", "ebs": {"encrypted": True, "volume_size": 200}},
            ],
        }],
    }],
    target_capacity_specification={
        "total_target_capacity": 2,
        "default_target_capacity_type": aws_native.ec2.Ec2FleetTargetCapacitySpecificationRequestDefaultTargetCapacityType.ON_DEMAND,
    },
)

pulumi.export("fleet", fleet.id)
