"""Azure confidential components: ``custodes.azure.ConfidentialVM`` and ``SgxEnclaveVM``.

Importing this module imports ``pulumi_azure_native``; ``import custodes`` alone
does not. See :mod:`custodes.components.azure` for what each component creates
and refuses.
"""

from custodes.components import ConfigurationError
from custodes.components.azure import (
    ConfidentialVM,
    ConfidentialVMArgs,
    SgxEnclaveVM,
    SgxEnclaveVMArgs,
)

__all__ = [
    "ConfidentialVM",
    "ConfidentialVMArgs",
    "ConfigurationError",
    "SgxEnclaveVM",
    "SgxEnclaveVMArgs",
]
