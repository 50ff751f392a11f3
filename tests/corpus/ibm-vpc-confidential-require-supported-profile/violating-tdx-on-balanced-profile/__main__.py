"""TDX asked of a bx2 profile, which has no confidential computing."""

import pulumi

pulumi.CustomResource("ibm:index/isInstance:IsInstance", "tdx-bx2", {
    "name": "tdx-bx2", "profile": "bx2-2x8", "confidentialComputeMode": "tdx",
    "image": "r006-ubuntu-24-04", "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"encryption": "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"},
})
