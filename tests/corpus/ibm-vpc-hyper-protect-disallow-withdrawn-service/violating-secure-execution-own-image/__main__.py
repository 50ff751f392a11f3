"""A Secure Execution guest on the customer's own encrypted image, not the Hyper Protect runtime.

IBM's deprecation notice withdraws the LinuxONE (s390x) virtual servers for VPC on the
same dates as Hyper Protect Virtual Servers for VPC: a bz2e profile is one of them.
"""

import pulumi

pulumi.CustomResource("ibm:index/isInstance:IsInstance", "se-guest", {
    "name": "se-guest", "profile": "bz2e-1x4", "image": "r006-customer-se-image",
    "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"encryption": "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"},
})
