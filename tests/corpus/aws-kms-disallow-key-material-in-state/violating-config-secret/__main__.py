"""An ExternalKey whose key material comes from a secret config value."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()

aws.kms.ExternalKey(
    "imported",
    description="imported key",
    key_material_base64=config.require_secret("keyMaterial"),
)
