"""An instance template for SGX instances whose boot volume names no root key."""

import pulumi

pulumi.CustomResource("ibm:index/isInstanceTemplate:IsInstanceTemplate", "enclave-template", {
    "name": "enclave-template",
    "profile": "cx3dc-4x10",
    "confidentialComputeMode": "sgx",
    "image": "r006-ubuntu-24-04",
    "vpc": "r006-vpc", "zone": "us-south-1",
    "primaryNetworkInterface": {"subnet": "0717-subnet"},
    "bootVolume": {"name": "enclave-boot"},
})
