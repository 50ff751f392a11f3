"""A confidential VM whose secrets Microsoft holds: custodes rejects it.

* VMGuestStateOnly: the OS disk is not confidential-encrypted; the guest state key
  is platform-managed.
* The exportable key's release policy trusts sharedweu.weu.attest.azure.net,
  Microsoft's shared attestation endpoint, under Microsoft's policy.
* The VM has no vTPM.
"""

import base64
import json

import pulumi
import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("cvm-rg", resource_group_name="cvm-rg")

vault = azure.keyvault.Vault(
    "vault",
    vault_name="appvault",
    resource_group_name=group.name,
    properties={"tenant_id": "11111111-1111-1111-1111-111111111111",
                "sku": {"family": "A", "name": "standard"}},
)

shared_policy = {
    "version": "1.0.0",
    "anyOf": [{"authority": "https://sharedweu.weu.attest.azure.net",
               "allOf": [{"claim": "x-ms-isolation-tee.x-ms-attestation-type",
                          "equals": "sevsnpvm"}]}],
}

app_key = azure.keyvault.Key(
    "app-key",
    key_name="app-secret-key",
    vault_name=vault.name,
    resource_group_name=group.name,
    properties={
        "kty": "RSA",
        "attributes": {"exportable": True},
        "release_policy": {
            "data": base64.urlsafe_b64encode(json.dumps(shared_policy).encode()).decode(),
        },
    },
)

vm = azure.compute.VirtualMachine(
    "app",
    vm_name="app",
    resource_group_name=group.name,
    hardware_profile={"vm_size": "Standard_DC4as_v5"},
    security_profile={
        "security_type": "ConfidentialVM",
        "uefi_settings": {"secure_boot_enabled": True, "v_tpm_enabled": False},
    },
    storage_profile={
        "os_disk": {
            "create_option": "FromImage",
            "managed_disk": {
                "storage_account_type": "Premium_LRS",
                "security_profile": {"security_encryption_type": "VMGuestStateOnly"},
            },
        },
    },
    network_profile={"network_interfaces": [{"id": "/subscriptions/x/nic/app"}]},
)

pulumi.export("vm_id", vm.id)
