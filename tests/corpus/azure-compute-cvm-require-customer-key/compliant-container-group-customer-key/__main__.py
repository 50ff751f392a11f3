"""A confidential container group whose deployment data is encrypted with the customer's HSM key,
and a Trusted Launch (not confidential) Batch pool."""

import pulumi_azure_native as azure

group = azure.resources.ResourceGroup("cvm-rg", resource_group_name="cvm-rg")
vault = azure.keyvault.Vault(
    "payvault",
    vault_name="payvault",
    resource_group_name=group.name,
    properties={"tenant_id": "11111111-1111-1111-1111-111111111111",
                "sku": {"family": "A", "name": "premium"}, "enable_purge_protection": True},
)
key = azure.keyvault.Key(
    "disk-key",
    key_name="cvm-disk",
    vault_name=vault.name,
    resource_group_name=group.name,
    properties={"kty": "RSA-HSM", "key_size": 3072},
)

azure.containerinstance.ContainerGroup(
    "scoring",
    container_group_name="scoring",
    resource_group_name=group.name,
    os_type="Linux",
    sku="Confidential",
    confidential_compute_properties={"cce_policy": "cGFja2FnZSBwb2xpY3k="},
    encryption_properties={"vault_base_url": "https://payvault.vault.azure.net",
                           "key_name": key.name, "key_version": "0123456789abcdef"},
    containers=[{"name": "app", "image": "mcr.microsoft.com/aci/skr:2.7",
                 "resources": {"requests": {"cpu": 1, "memory_in_gb": 2}}}],
)

azure.batch.Pool(
    "render",
    pool_name="render",
    account_name="paybatch",
    resource_group_name=group.name,
    vm_size="Standard_DC4as_v5",
    deployment_configuration={"virtual_machine_configuration": {
        "image_reference": {"publisher": "Canonical",
                            "offer": "0001-com-ubuntu-confidential-vm-jammy",
                            "sku": "22_04-lts-cvm", "version": "latest"},
        "node_agent_sku_id": "batch.node.ubuntu 22.04",
        "security_profile": {"security_type": "trustedLaunch", "uefi_settings": {"v_tpm_enabled": True, "secure_boot_enabled": True}},
    }},
)
