"""An aws-native SEV-SNP instance whose block device uses a customer key held in CloudHSM."""

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

server = aws_native.ec2.Instance(
    "payments",
    image_id="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amdSevSnp": "enabled"},
    block_device_mappings=[
        {"device_name": "/dev/xvda",
         "ebs": {"encrypted": True, "kms_key_id": key.arn, "volume_size": 30}},
    ],
)

pulumi.export("instance_id", server.instance_id)
