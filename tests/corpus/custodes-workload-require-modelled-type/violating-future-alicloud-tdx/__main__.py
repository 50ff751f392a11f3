"""An Alibaba Cloud ECS instance with a TDX setting that no SDK of today exposes.

pulumi_alicloud 4 has no confidential-computing input; when a release adds one, a
program like this (here written with the generic CustomResource, as a generated SDK
would register it) must not pass unseen.
"""

import pulumi

pulumi.CustomResource(
    "alicloud:ecs/instance:Instance",
    "tdx-ledger",
    {
        "instanceType": "ecs.g8i.xlarge",
        "imageId": "aliyun_3_x64_20G_alibase_20240819.vhd",
        "confidentialComputingMode": "TDX",
    },
)
