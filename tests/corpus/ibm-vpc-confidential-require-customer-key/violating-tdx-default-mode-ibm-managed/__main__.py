"""A bx3dc instance that sets no confidentialComputeMode, on an IBM-managed boot volume key.

The provider uses the profile's default mode when none is set, and TDX is the default
on every confidential computing profile: this is a TDX guest whose key IBM holds.
"""

import pulumi

pulumi.CustomResource("ibm:index/isInstance:IsInstance", "orders", {
    "name": "orders",
    "profile": "bx3dc-4x20",
    "image": "r006-ubuntu-24-04",
    "vpc": "r006-vpc", "zone": "us-east-1",
    "primaryNetworkInterface": {"subnet": "0757-subnet"},
    "bootVolume": {"name": "orders-boot"},
})
