"""An exportable HSM key with no Secure Key Release policy."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("keys-rg", resource_group_name="keys-rg")

azure.keyvault.Key(
    "release-key",
    key_name="release",
    vault_name="payvault",
    resource_group_name=group.name,
    properties={"kty": "RSA-HSM", "attributes": {"enabled": True, "exportable": True}},
)
