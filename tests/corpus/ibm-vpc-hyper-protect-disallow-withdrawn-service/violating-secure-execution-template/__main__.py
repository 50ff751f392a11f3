"""An instance template for Secure Execution guests (mz2e): LinuxONE for VPC, withdrawn."""

import pulumi

pulumi.CustomResource("ibm:index/isInstanceTemplate:IsInstanceTemplate", "se-template", {
    "name": "se-template", "profile": "mz2e-2x16", "image": "r006-customer-se-image",
    "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"encryption": "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"},
})
