"""An instance template that launches Hyper Protect Virtual Servers for VPC."""

import pulumi

pulumi.CustomResource("ibm:index/isInstanceTemplate:IsInstanceTemplate", "hpvs-template", {
    "name": "hpvs-template", "profile": "bz2e-2x8",
    "image": "ibm-hyper-protect-container-runtime-1-0-s390x-23",
    "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"encryption": "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"},
})
