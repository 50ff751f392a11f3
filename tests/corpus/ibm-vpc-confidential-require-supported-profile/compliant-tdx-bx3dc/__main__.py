"""TDX on a bx3dc confidential computing profile."""

import pulumi

pulumi.CustomResource("ibm:index/isInstance:IsInstance", "tdx", {
    "name": "tdx", "profile": "bx3dc-2x10", "confidentialComputeMode": "tdx",
    "image": "r006-ubuntu-24-04", "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"encryption": "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"},
})
