"""The engine-side driver: a pack that does not start is one clear error, and never left running."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from custodes.crossguard.host import PackError, PackProcess, analyze_request, stack_request
from custodes.model import UNKNOWN, Secret
from custodes.sources.pulumi_json import SECRET_SIG, SIG_KEY, UNKNOWN_VALUE
from tests.conftest import resource


def write_pack(directory: Path, main: str) -> Path:
    (directory / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (directory / "__main__.py").write_text(main)
    return directory


def test_a_pack_that_fails_reports_its_stderr(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, "import sys\nsys.exit('policy pack exploded')\n")
    with pytest.raises(PackError, match="policy pack exploded"):
        PackProcess(pack, timeout=30)


def test_a_pack_that_never_prints_a_port_is_stopped(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, "import os, time\nopen('pid', 'w').write(str(os.getpid()))\n"
                                "time.sleep(600)\n")
    started = time.monotonic()
    with pytest.raises(PackError, match="no port within 2s"):
        PackProcess(pack, timeout=2)
    assert time.monotonic() - started < 30
    with pytest.raises(ProcessLookupError):  # terminated and reaped, not left behind
        os.kill(int((tmp_path / "pid").read_text()), 0)


def test_requests_carry_unknowns_and_secrets_as_the_engine_marshals_them() -> None:
    instance = resource("aws:ec2/instance:Instance", "web", {
        "rootBlockDevice": {"kmsKeyId": UNKNOWN}, "userData": Secret("token"),
    }, dependencies=("urn:key",), property_dependencies={"rootBlockDevice": ("urn:key",),
                                                         "ami": ()})
    request = analyze_request(instance)
    fields = request.properties.fields
    assert fields["rootBlockDevice"].struct_value.fields["kmsKeyId"].string_value == \
        UNKNOWN_VALUE
    secret = fields["userData"].struct_value.fields
    assert secret[SIG_KEY].string_value == SECRET_SIG and secret["value"].string_value == "token"
    (item,) = stack_request([instance]).resources
    assert list(item.dependencies) == ["urn:key"]
    # As the engine does, properties without dependencies are left out.
    assert dict(item.propertyDependencies).keys() == {"rootBlockDevice"}
