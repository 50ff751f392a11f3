"""A Secure Execution guest on an HPCS boot key, with an attached data volume on an IBM-managed key."""

import pulumi

hpcs = pulumi.CustomResource("ibm:index/resourceInstance:ResourceInstance", "hpcs", {
    "name": "hpcs", "service": "hs-crypto", "plan": "standard", "location": "us-south",
})
root = pulumi.CustomResource("ibm:index/kmsKey:KmsKey", "root", {
    "instanceId": hpcs.id, "keyName": "root", "standardKey": False,
})
guest = pulumi.CustomResource("ibm:index/isInstance:IsInstance", "settlement", {
    "name": "settlement",
    "profile": "bz2e-2x8",
    "image": "r006-secure-execution-image",
    "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"name": "settlement-boot", "encryption": root.id},
})
data = pulumi.CustomResource("ibm:index/isVolume:IsVolume", "settlement-data", {
    "name": "settlement-data", "profile": "10iops-tier", "zone": "us-south-1", "capacity": 100,
})
pulumi.CustomResource("ibm:index/isInstanceVolumeAttachment:IsInstanceVolumeAttachment",
                      "settlement-data", {"instance": guest.id, "volume": data.id})
