"""An SGX instance template on an mx2 profile."""

import pulumi

pulumi.CustomResource("ibm:index/isInstanceTemplate:IsInstanceTemplate", "sgx-template", {
    "name": "sgx-template", "profile": "mx2-2x16", "confidentialComputeMode": "sgx",
    "image": "r006-ubuntu-24-04", "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"encryption": "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"},
})
