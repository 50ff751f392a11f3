"""An ExternalKey whose key material is read from a file in the project."""

import base64
from pathlib import Path

import pulumi_aws as aws

material = base64.b64encode(Path("key-material.bin").read_bytes()).decode()

aws.kms.ExternalKey(
    "imported",
    description="imported key",
    key_material_base64=material,
    valid_to="2030-01-01T00:00:00Z",
)
