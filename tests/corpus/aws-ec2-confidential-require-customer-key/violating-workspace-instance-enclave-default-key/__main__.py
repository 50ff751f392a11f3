"""A WorkSpaces managed instance with Nitro Enclaves whose volume names no KMS key."""

import pulumi
import pulumi_aws_native as aws_native

workspace = aws_native.workspacesinstances.WorkspaceInstance(
    "signer-desk",
    managed_instance={
        "image_id": "ami-0123456789abcdef0",
        "instance_type": "m5.xlarge",
        "enclave_options": {"enabled": True},
        "block_device_mappings": [
            {"device_name": "/dev/xvda", "ebs": {"encrypted": True, "volume_size": 50}},
        ],
    },
)

pulumi.export("workspace", workspace.id)
