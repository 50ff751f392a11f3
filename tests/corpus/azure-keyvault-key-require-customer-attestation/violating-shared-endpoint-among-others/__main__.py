"""A release policy naming the customer's provider and, as an alternative, a shared endpoint."""

import base64
import json

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("keys-rg", resource_group_name="keys-rg")
claims = [{"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"}]
policy = {
    "version": "1.0.0",
    "anyOf": [
        {"authority": "https://payattest.weu.attest.azure.net", "allOf": claims},
        {"authority": "sharedeus.eus.attest.azure.net", "allOf": claims},
    ],
}

azure.keyvault.Key(
    "release-key",
    key_name="release",
    vault_name="payvault",
    resource_group_name=group.name,
    properties={
        "kty": "EC-HSM",
        "curve_name": "P-384",
        "attributes": {"exportable": True},
        "release_policy": {"data": base64.urlsafe_b64encode(json.dumps(policy).encode()).decode()},
    },
)
