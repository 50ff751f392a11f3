"""An instance created from a TDX instance template whose boot volume has an HPCS root key.

The instance sets no profile, mode or boot volume of its own: all are the template's.
"""

import pulumi

hpcs = pulumi.CustomResource("ibm:index/resourceInstance:ResourceInstance", "hpcs", {
    "name": "hpcs", "service": "hs-crypto", "plan": "standard", "location": "us-south",
})
root = pulumi.CustomResource("ibm:index/kmsKey:KmsKey", "root", {
    "instanceId": hpcs.id, "keyName": "root", "standardKey": False,
})
template = pulumi.CustomResource("ibm:index/isInstanceTemplate:IsInstanceTemplate", "ledger-tdx", {
    "name": "ledger-tdx",
    "profile": "bx3dc-2x10",
    "confidentialComputeMode": "tdx",
    "image": "r006-ubuntu-24-04",
    "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"name": "ledger-boot", "encryption": root.id},
})
pulumi.CustomResource("ibm:index/isInstance:IsInstance", "ledger", {
    "name": "ledger",
    "instanceTemplate": template.id,
    "zone": "us-south-1",
})
