"""A payments server on AMD SEV-SNP and a signer in a Nitro enclave, with custodes.aws.

The server's volumes and the enclave parent's volumes are encrypted with keys the
components create in a CloudHSM custom key store; the signer's key is released only to
the enclave image and signing certificate measured below.
"""

import pulumi

from custodes import aws

config = pulumi.Config()
ami = config.require("ami")
key_store = config.require("customKeyStoreId")

payments = aws.ConfidentialInstance("payments", {
    "ami": ami,
    "instance_type": "m6a.xlarge",
    "custom_key_store_id": key_store,
    "data_volumes": [{"device_name": "/dev/sdf", "size_gib": 100}],
})

signer = aws.NitroEnclaveHost("signer", {
    "ami": ami,
    "image_sha384": config.require("enclaveImageSha384"),
    "pcr8": config.require("enclaveSigningCertSha384"),
    "custom_key_store_id": key_store,
})

pulumi.export("payments_instance_id", payments.instance_id)
pulumi.export("signer_enclave_key_arn", signer.enclave_key_arn)
