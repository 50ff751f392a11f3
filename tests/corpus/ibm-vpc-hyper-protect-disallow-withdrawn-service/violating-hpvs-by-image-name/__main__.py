"""A Hyper Protect Virtual Server whose image is named rather than given by id."""

import pulumi

pulumi.CustomResource("ibm:index/isInstance:IsInstance", "hpvs-named", {
    "name": "hpvs-named", "profile": "cz2e-2x4",
    "image": "r006-0bf1a2c3", "imageName": "ibm-hyper-protect-container-runtime-1-0-s390x-24",
    "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"encryption": "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"},
})
