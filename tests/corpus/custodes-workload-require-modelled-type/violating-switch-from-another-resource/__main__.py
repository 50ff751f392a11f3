"""A confidential VM type of an unknown provider whose mode comes from another resource.

In a preview the mode is unknown until the profile exists: an unknown switch may be on,
so the resource is reported, never passed.
"""

import pulumi

profile = pulumi.CustomResource(
    "acme:compute/profile:Profile", "cvm-profile", {"mode": "sev_snp", "modeName": None}
)
pulumi.CustomResource(
    "acme:compute/virtualMachine:VirtualMachine",
    "cvm",
    {
        "securityProfile": {"securityType": "ConfidentialVM"},
        "confidentialComputeMode": profile.id,
    },
)
