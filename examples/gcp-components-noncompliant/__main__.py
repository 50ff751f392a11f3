"""custodes.gcp with its opt-outs: accepted at construction, rejected by check.

``allow_debug_image`` boots the Confidential Space debug image, which lets an operator
into the workload, and ``allow_provider_managed_key`` leaves the boot disk on a
Google-managed key.
"""

import pulumi

from custodes import gcp

config = pulumi.Config()

settlement = gcp.ConfidentialSpaceWorkload("settlement", {
    "zone": "us-central1-a",
    "image_reference": config.require("image"),
    "key_ring": config.require("keyRing"),
    "allow_debug_image": True,
    "allow_provider_managed_key": True,
})

pulumi.export("settlement_key", settlement.workload_key_id)
