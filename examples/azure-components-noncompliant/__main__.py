"""custodes.azure with its opt-outs: accepted at construction, rejected by check.

``allow_shared_attestation`` makes Microsoft's shared attestation endpoint the
authority that releases the disk key, under Microsoft's policy rather than yours.
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
    "attestation_provider_uri": "https://sharedweu.weu.attest.azure.net",
    "allow_shared_attestation": True,
})

pulumi.export("vm_id", ledger.vm_id)
