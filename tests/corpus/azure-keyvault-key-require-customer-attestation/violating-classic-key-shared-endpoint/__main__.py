"""A classic-provider exportable key released by Microsoft's shared attestation endpoint."""

import json

import pulumi_azure as azure

group = azure.core.ResourceGroup("cvm-rg", name="cvm-rg", location="westeurope")
vault = azure.keyvault.KeyVault(
    "payvault",
    name="payvault",
    resource_group_name=group.name,
    location="westeurope",
    tenant_id="11111111-1111-1111-1111-111111111111",
    sku_name="premium",
    purge_protection_enabled=True,
)


def release_policy(authority):
    return json.dumps({"version": "1.0.0", "anyOf": [{
        "authority": authority,
        "allOf": [{"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"}]}]})


azure.keyvault.Key(
    "release-key",
    name="release-key",
    key_vault_id=vault.id,
    key_type="RSA-HSM",
    key_size=3072,
    key_opts=["wrapKey", "unwrapKey"],
    release_policy={"json": release_policy("https://sharedweu.weu.attest.azure.net")},
)
