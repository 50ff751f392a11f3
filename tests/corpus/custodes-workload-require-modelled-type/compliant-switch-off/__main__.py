"""Resources of unknown providers with every confidential switch off, and tags that say so.

A tag named "confidential" is the user's own word, not a setting; a switch set to
"disabled" or a TrustedLaunch security type turns nothing on.
"""

import pulumi

pulumi.CustomResource(
    "acme:compute/server:Server",
    "plain-server",
    {
        "confidentialComputeMode": "disabled",
        "enclaveOptions": {"enabled": False},
        "securityProfile": {"securityType": "TrustedLaunch"},
        "tags": {"confidential": "true"},
    },
)
