"""A Hyper Protect Virtual Server for VPC: the Hyper Protect Container Runtime image on bz2e."""

import pulumi

pulumi.CustomResource("ibm:index/isInstance:IsInstance", "hpvs", {
    "name": "hpvs", "profile": "bz2e-1x4",
    "image": "ibm-hyper-protect-container-runtime-1-0-s390x-22",
    "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "userData": "hyper-protect-basic.ENCRYPTED.CONTRACT",
    "bootVolume": {"encryption": "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"},
})
