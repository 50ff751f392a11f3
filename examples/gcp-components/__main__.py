"""A Confidential VM and a Confidential Space workload declared with custodes.gcp.

Both boot disks are encrypted with HSM keys the components create in the key ring;
the settlement workload's own key can be used only by that exact container image,
on the production Confidential Space image, through the workload identity pool.
"""

import pulumi

from custodes import gcp

config = pulumi.Config()
key_ring = config.require("keyRing")

batch = gcp.ConfidentialInstance("batch", {
    "zone": "us-central1-a",
    "machine_type": "n2d-standard-4",
    "key_ring": key_ring,
})

settlement = gcp.ConfidentialSpaceWorkload("settlement", {
    "zone": "us-central1-a",
    "image_reference": config.require("image"),
    "key_ring": key_ring,
})

pulumi.export("batch_instance", batch.self_link)
pulumi.export("settlement_key", settlement.workload_key_id)
pulumi.export("settlement_audience", settlement.provider_name)
