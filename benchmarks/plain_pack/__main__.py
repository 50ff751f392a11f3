"""custodes' policies in a plain pulumi_policy.PolicyPack: the pack before its analyzer.

This is what `policies/__main__.py` would be with `PolicyPack("custodes",
custodes.crossguard.policies())`: every request decoded once per policy, every
policy asked about every resource. benchmarks/pack_latency.py measures it as
the "before" of custodes.crossguard.analyzer.
"""

from pulumi_policy import PolicyPack

from custodes.crossguard import policies

PolicyPack("custodes", policies())
