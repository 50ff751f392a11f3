"""A resource of a provider custodes has never heard of, with an enclave switch deep inside."""

import pulumi

pulumi.CustomResource(
    "acme:compute/server:Server",
    "enclave-server",
    {
        "size": "large",
        "placement": {"hardware": {"enclaveOptions": {"enabled": True}}},
        "tags": {"team": "payments"},
    },
)
