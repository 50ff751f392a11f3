"""A CloudHSM key store whose kmsuser password is a literal in the program."""

import pulumi_aws as aws

aws.kms.CustomKeyStore(
    "hsm-store",
    custom_key_store_name="payments-hsm",
    cloud_hsm_cluster_id="cluster-1234567890a",
    key_store_password="Correct-Horse-Battery-1",
    trust_anchor_certificate="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
)
