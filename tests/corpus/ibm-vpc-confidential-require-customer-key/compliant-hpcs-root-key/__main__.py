"""A TDX instance whose boot and data volumes use a Hyper Protect Crypto Services root key."""

import pulumi

hpcs = pulumi.CustomResource("ibm:index/resourceInstance:ResourceInstance", "hpcs", {
    "name": "hpcs", "service": "hs-crypto", "plan": "standard", "location": "us-south",
})
root = pulumi.CustomResource("ibm:index/kmsKey:KmsKey", "root", {
    "instanceId": hpcs.id, "keyName": "root", "standardKey": False,
})
server = pulumi.CustomResource("ibm:index/isInstance:IsInstance", "payments", {
    "name": "payments",
    "profile": "bx3dc-2x10",
    "confidentialComputeMode": "tdx",
    "image": "r006-ubuntu-24-04",
    "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"name": "payments-boot", "encryption": root.id},
})
data = pulumi.CustomResource("ibm:index/isVolume:IsVolume", "payments-data", {
    "name": "payments-data", "profile": "10iops-tier", "zone": "us-south-1", "capacity": 100,
    "encryptionKey": root.id,
})
pulumi.CustomResource("ibm:index/isInstanceVolumeAttachment:IsInstanceVolumeAttachment",
                      "payments-data", {"instance": server.id, "volume": data.id})
