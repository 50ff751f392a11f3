"""A CloudHSM key store whose kmsuser password is set outside the stack."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()

store = aws.kms.CustomKeyStore(
    "hsm-store",
    custom_key_store_name="payments-hsm",
    custom_key_store_type="AWS_CLOUDHSM",
    cloud_hsm_cluster_id=config.require("cloudHsmClusterId"),
    trust_anchor_certificate="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
)

pulumi.export("store_id", store.id)
