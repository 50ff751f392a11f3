"""A bx3dc instance with confidentialComputeMode "disabled" and an IBM-managed boot key.

The customer turned the TEE off: not a confidential workload, so the confidential key
rule has nothing to judge.
"""

import pulumi

pulumi.CustomResource("ibm:index/isInstance:IsInstance", "batch", {
    "name": "batch",
    "profile": "bx3dc-4x20",
    "confidentialComputeMode": "disabled",
    "image": "r006-ubuntu-24-04",
    "vpc": "r006-vpc", "zone": "us-east-1",
    "primaryNetworkInterface": {"subnet": "0757-subnet"},
    "bootVolume": {"name": "batch-boot"},
})
