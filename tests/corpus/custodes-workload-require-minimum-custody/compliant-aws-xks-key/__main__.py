"""A SEV-SNP instance whose volume key is held outside AWS, in an external key store."""

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
key = aws.kms.Key(
    "volumes",
    custom_key_store_id=store.id,
    xks_key_id="payments-volumes-0001",
    description="held by the on-premises HSM behind the XKS proxy",
)

aws.ec2.Instance(
    "payments",
    ami="ami-0123456789abcdef0",
    instance_type="m6a.large",
    cpu_options={"amd_sev_snp": "enabled"},
    root_block_device={"encrypted": True, "kms_key_id": key.arn},
)
