"""custodes.aws components with their opt-outs: accepted at construction, rejected by check.

``allow_provider_managed_key`` leaves the server's volumes on the AWS-managed key
``aws/ebs``; ``allow_debug_enclave`` binds the signer's key to the all-zero
measurements of a debug-mode enclave, whose memory the parent instance can read.
"""

import pulumi

from custodes import aws

DEBUG_MEASUREMENT = "0" * 96

config = pulumi.Config()
ami = config.require("ami")

payments = aws.ConfidentialInstance("payments", {
    "ami": ami,
    "allow_provider_managed_key": True,
})

signer = aws.NitroEnclaveHost("signer", {
    "ami": ami,
    "image_sha384": DEBUG_MEASUREMENT,
    "allow_debug_enclave": True,
    "allow_software_key": True,
})

pulumi.export("payments_instance_id", payments.instance_id)
