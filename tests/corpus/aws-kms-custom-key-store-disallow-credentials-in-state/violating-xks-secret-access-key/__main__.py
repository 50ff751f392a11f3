"""An external (XKS) key store whose proxy secret access key is read from secret config."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()

store = aws.kms.CustomKeyStore(
    "xks-store",
    custom_key_store_name="payments-xks",
    custom_key_store_type="EXTERNAL_KEY_STORE",
    xks_proxy_connectivity="PUBLIC_ENDPOINT",
    xks_proxy_uri_endpoint="https://xks.payments.example.com",
    xks_proxy_uri_path="/kms/xks/v1",
    xks_proxy_authentication_credential={
        "access_key_id": config.require("xksAccessKeyId"),
        "raw_secret_access_key": config.require_secret("xksSecretAccessKey"),
    },
)

pulumi.export("store_id", store.id)
