"""The yardstick: eight pulumi_policy resource policies that return at once.

Whatever this pack costs per `Analyze` is the floor of any Python policy pack
(gRPC, pulumi_policy decoding each request once per policy); the custodes pack
is measured against it in benchmarks/pack_latency.py.
"""

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def _nothing(args, report_violation):
    return None


PolicyPack("trivial", [
    ResourceValidationPolicy(name=f"trivial-{index}", description="Returns at once.",
                             validate=_nothing, enforcement_level=EnforcementLevel.ADVISORY)
    for index in range(8)
])
