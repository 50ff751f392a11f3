"""Admits a debuggable SEV-SNP guest."""
import base64
import json

import pulumi_azure_native as azure

client = azure.authorization.get_client_config()
group = azure.resources.ResourceGroup("keys-rg", resource_group_name="keys-rg")
vault = azure.keyvault.Vault(
    "vault",
    vault_name="payvault",
    resource_group_name=group.name,
    properties={"tenant_id": client.tenant_id, "sku": {"family": "A", "name": "premium"}},
)
POLICY = {'version': '1.0.0', 'anyOf': [{'authority': 'https://payattest.weu.attest.azure.net', 'allOf': [{'claim': 'x-ms-isolation-tee.x-ms-attestation-type', 'equals': 'sevsnpvm'}, {'claim': 'x-ms-isolation-tee.x-ms-compliance-status', 'equals': 'azure-compliant-cvm'}, {'claim': 'x-ms-isolation-tee.x-ms-sevsnpvm-is-debuggable', 'equals': True}]}]}
azure.keyvault.Key(
    "release-key",
    key_name="release",
    vault_name=vault.name,
    resource_group_name=group.name,
    properties={
        "kty": "RSA-HSM",
        "key_ops": ["wrapKey", "unwrapKey"],
        "attributes": {"enabled": True, "exportable": True},
        "release_policy": {"data": base64.urlsafe_b64encode(json.dumps(POLICY).encode()).decode().rstrip("="),
                           "content_type": "application/json; charset=utf-8"},
    },
)
