"""A CloudHSM key store whose kmsuser password is a secret config value."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()

store = aws.kms.CustomKeyStore(
    "hsm-store",
    custom_key_store_name="payments-hsm",
    cloud_hsm_cluster_id="cluster-1234567890a",
    key_store_password=config.require_secret("kmsuserPassword"),
    trust_anchor_certificate="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
)

pulumi.export("store_id", store.id)
