"""A confidential VM (AMD SEV-SNP) declared with custodes.azure.

The component creates a Key Vault Premium, an RSA-HSM disk key released only on a
token from the attestation provider it also creates, a confidential disk encryption
set, and the VM itself with Secure Boot and a vTPM.
"""

import pulumi
import pulumi_azure_native as azure_native

from custodes import azure

config = pulumi.Config()
group = azure_native.resources.ResourceGroup("ledger")
network = azure_native.network.VirtualNetwork(
    "ledger",
    resource_group_name=group.name,
    address_space={"address_prefixes": ["10.20.0.0/16"]},
    subnets=[{"name": "vms", "address_prefix": "10.20.1.0/24"}],
)
nic = azure_native.network.NetworkInterface(
    "ledger",
    resource_group_name=group.name,
    ip_configurations=[{"name": "primary", "subnet": {"id": network.subnets[0].id}}],
)

ledger = azure.ConfidentialVM("ledger", {
    "resource_group_name": group.name,
    "network_interface_id": nic.id,
    "ssh_public_key": config.require("sshPublicKey"),
    "vm_size": "Standard_DC4as_v5",
    "confidential_vm_orchestrator_object_id": config.require("cvmOrchestratorObjectId"),
})

pulumi.export("vm_id", ledger.vm_id)
pulumi.export("attestation_uri", ledger.attestation_uri)
