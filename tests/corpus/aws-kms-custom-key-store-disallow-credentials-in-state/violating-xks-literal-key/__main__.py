"""An XKS key store with a literal proxy credential."""

import pulumi_aws as aws

aws.kms.CustomKeyStore(
    "xks-store",
    custom_key_store_name="payments-xks",
    custom_key_store_type="EXTERNAL_KEY_STORE",
    xks_proxy_connectivity="VPC_ENDPOINT_SERVICE",
    xks_proxy_uri_endpoint="https://xks.internal.example.com",
    xks_proxy_uri_path="/kms/xks/v1",
    xks_proxy_vpc_endpoint_service_name="com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
    xks_proxy_authentication_credential={
        "access_key_id": "BE2U5ZNWRPQVV6KU4ABC",
        "raw_secret_access_key": "PbtJ0KWnVd2YbVq4xcQ3XAs7Cq3jX9rCAQEcbgfxVvA=",
    },
)
