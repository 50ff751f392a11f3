"""A TDX instance whose boot volume names no root key: IBM holds the key.

IBM Cloud has no Python SDK on PyPI; `pulumi package add terraform-provider ibm-cloud/ibm`
generates one whose resources register as below.
"""

import pulumi

pulumi.CustomResource("ibm:index/isInstance:IsInstance", "ledger", {
    "name": "ledger",
    "profile": "bx3dc-2x10",
    "confidentialComputeMode": "tdx",
    "enableSecureBoot": True,
    "image": "r006-ubuntu-24-04",
    "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"name": "ledger-boot"},
})
