"""SGX asked of a cx3d profile, which has no confidential computing."""

import pulumi

pulumi.CustomResource("ibm:index/isInstance:IsInstance", "sgx-cx3d", {
    "name": "sgx-cx3d", "profile": "cx3d-4x10", "confidentialComputeMode": "sgx",
    "image": "r006-ubuntu-24-04", "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"encryption": "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"},
})
