"""An exportable key whose release policy trusts Microsoft's shared attestation endpoint."""

import base64
import json

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("keys-rg", resource_group_name="keys-rg")

policy = {
    "version": "1.0.0",
    "anyOf": [{
        "authority": "https://sharedweu.weu.attest.azure.net",
        "allOf": [{"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"}],
    }],
}

azure.keyvault.Key(
    "release-key",
    key_name="release",
    vault_name="payvault",
    resource_group_name=group.name,
    properties={
        "kty": "RSA-HSM",
        "attributes": {"enabled": True, "exportable": True},
        "release_policy": {
            "data": base64.urlsafe_b64encode(json.dumps(policy).encode()).decode().rstrip("="),
        },
    },
)
