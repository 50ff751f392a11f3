"""SGX asked of bx3dc-16x80: a confidential computing profile, but with 80 GiB it offers TDX only."""

import pulumi

pulumi.CustomResource("ibm:index/isInstance:IsInstance", "sgx-bx3dc-80g", {
    "name": "sgx-bx3dc-80g", "profile": "bx3dc-16x80", "confidentialComputeMode": "sgx",
    "image": "r006-ubuntu-24-04", "vpc": "r006-vpc", "zone": "us-east-1",
    "primaryNetworkInterface": {"subnet": "0757-subnet"},
    "bootVolume": {"encryption": "crn:v1:bluemix:public:hs-crypto:us-east:a/1:2:key:3"},
})
