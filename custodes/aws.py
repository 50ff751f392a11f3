"""AWS confidential components: ``custodes.aws.ConfidentialInstance`` and friends.

Importing this module imports ``pulumi_aws``; ``import custodes`` alone does not.
See :mod:`custodes.components.aws` for what each component creates and refuses.
"""

from custodes.components import ConfigurationError
from custodes.components.aws import (
    ConfidentialInstance,
    ConfidentialInstanceArgs,
    CustomerKey,
    CustomerKeyArgs,
    EbsVolumeArgs,
    EnclaveKey,
    EnclaveKeyArgs,
    NitroEnclaveHost,
    NitroEnclaveHostArgs,
)

__all__ = [
    "ConfidentialInstance",
    "ConfidentialInstanceArgs",
    "ConfigurationError",
    "CustomerKey",
    "CustomerKeyArgs",
    "EbsVolumeArgs",
    "EnclaveKey",
    "EnclaveKeyArgs",
    "NitroEnclaveHost",
    "NitroEnclaveHostArgs",
]
