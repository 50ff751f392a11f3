"""An exportable HSM key released only by the customer's own attestation provider."""

import base64
import json

import pulumi_azure_native as azure

client = azure.authorization.get_client_config()
group = azure.resources.ResourceGroup("keys-rg", resource_group_name="keys-rg")
attestation = azure.attestation.AttestationProvider(
    "attest",
    provider_name="payattest",
    resource_group_name=group.name,
    location="westeurope",
    properties={"policy_signing_certificates": {"keys": [{"kty": "RSA", "use": "sig",
                                                          "x5c": ["MIIBszCCAVmgAwIBAgI"]}]}},
)
vault = azure.keyvault.Vault(
    "vault",
    vault_name="payvault",
    resource_group_name=group.name,
    properties={"tenant_id": client.tenant_id, "sku": {"family": "A", "name": "premium"}},
)


def release_policy(authority: str) -> str:
    policy = {"version": "1.0.0", "anyOf": [{"authority": authority, "allOf": [
        {"claim": "x-ms-isolation-tee.x-ms-compliance-status", "equals": "azure-compliant-cvm"},
    ]}]}
    return base64.urlsafe_b64encode(json.dumps(policy).encode()).decode().rstrip("=")


azure.keyvault.Key(
    "release-key",
    key_name="release",
    vault_name=vault.name,
    resource_group_name=group.name,
    properties={
        "kty": "RSA-HSM",
        "key_ops": ["wrapKey", "unwrapKey"],
        "attributes": {"enabled": True, "exportable": True},
        "release_policy": {"data": attestation.attest_uri.apply(release_policy),
                           "content_type": "application/json; charset=utf-8"},
    },
)
