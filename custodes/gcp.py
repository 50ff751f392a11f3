"""GCP confidential components: ``custodes.gcp.ConfidentialInstance`` and
``ConfidentialSpaceWorkload``.

Importing this module imports ``pulumi_gcp``; ``import custodes`` alone does not.
See :mod:`custodes.components.gcp` for what each component creates and refuses.
"""

from custodes.components import ConfigurationError
from custodes.components.gcp import (
    ConfidentialInstance,
    ConfidentialInstanceArgs,
    ConfidentialSpaceWorkload,
    ConfidentialSpaceWorkloadArgs,
)

__all__ = [
    "ConfidentialInstance",
    "ConfidentialInstanceArgs",
    "ConfidentialSpaceWorkload",
    "ConfidentialSpaceWorkloadArgs",
    "ConfigurationError",
]
