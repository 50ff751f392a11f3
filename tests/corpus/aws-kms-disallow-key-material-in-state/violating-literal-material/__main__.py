"""An ExternalKey whose key material is a literal in the program."""

import pulumi_aws as aws

aws.kms.ExternalKey(
    "imported",
    description="imported key",
    key_material_base64="Wblj06fduthWggmsT0cLVoIMOkeLbc2kVfMud77i/JY=",
)
