"""``custodes catalog refresh``: the catalogue rebuilt from live APIs (Stubber for EC2, whose
SupportedFeatures and NitroEnclavesSupport moto does not return; loopback ARM and Compute
servers), and the rules' lookups answering from it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from azure.mgmt.compute import models as compute
from botocore.stub import Stubber

from custodes import catalog
from custodes.catalog.refresh import refreshed
from custodes.cli import main
from custodes.sources.live import CloudAccessError, LiveOptions
from custodes.sources.live import aws as live_aws
from custodes.sources.live import azure as live_azure
from tests.audit.aws_data import ACCOUNT, REGION
from tests.audit.conftest import PROJECT, SUBSCRIPTION, AzureToken
from tests.audit.servers import LocalApi
from tests.audit.test_gcp_live import compute_v1, message_json, service_account_file

SEV_SNP_FILTER = [{"Name": "processor-info.supported-features", "Values": ["amd-sev-snp"]}]


def ec2_type(name: str, vcpus: int, *, arch: str = "x86_64", sev_snp: bool = False,
             enclaves: bool = True) -> dict[str, Any]:
    return {
        "InstanceType": name,
        "VCpuInfo": {"DefaultVCpus": vcpus},
        "ProcessorInfo": {"SupportedArchitectures": [arch],
                          "SupportedFeatures": ["amd-sev-snp"] if sev_snp else []},
        "NitroEnclavesSupport": "supported" if enclaves else "unsupported",
    }


@pytest.fixture
def live_catalogue(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """Install a catalogue document as CUSTODES_CATALOG for the lookups, then restore."""

    def install(document: dict[str, Any]) -> None:
        path = tmp_path / "machine_types.json"
        path.write_text(json.dumps(document))
        monkeypatch.setenv("CUSTODES_CATALOG", str(path))
        catalog.load.cache_clear()

    yield install
    catalog.load.cache_clear()


def test_ec2_instance_types_rebuild_the_aws_section(monkeypatch: pytest.MonkeyPatch,
                                                    live_catalogue: Any) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("ec2", region_name=REGION)
    every = [ec2_type("m6a.large", 2, sev_snp=True), ec2_type("r6a.large", 2),
             ec2_type("m5.xlarge", 4, enclaves=False), ec2_type("c6g.large", 2, arch="arm64")]
    with Stubber(client) as stubber:
        stubber.add_response("describe_instance_types", {"InstanceTypes": every}, {})
        stubber.add_response("describe_instance_types", {"InstanceTypes": every[:1]},
                             {"Filters": SEV_SNP_FILTER})
        session = type("Session", (), {"client": lambda self, *a, **k: client})()
        connection = live_aws.Connection(session, (REGION,), ACCOUNT, "aws", None)
        types = live_aws.instance_types(connection)
        stubber.assert_no_pending_responses()
    assert types["m6a.large"] == {"vcpus": 2, "arch": "x86_64", "sev_snp": True,
                                  "nitro_enclaves": True}
    assert types["c6g.large"]["arch"] == "arm64"
    before = (catalog.aws_sev_snp_supported("r6a.large"),
              catalog.aws_nitro_enclaves_problem("m5.xlarge"))
    assert before == (True, None)  # the bundled family tables
    live_catalogue(refreshed(catalog.load(), date="2026-12-01", aws_instance_types=types))
    # EC2's own answers now decide, type by type.
    assert catalog.aws_sev_snp_supported("m6a.large")
    assert not catalog.aws_sev_snp_supported("r6a.large")
    assert catalog.aws_nitro_enclaves_problem("m5.xlarge") == \
        "EC2 reports no Nitro Enclaves support for m5.xlarge"
    assert catalog.aws_nitro_enclaves_problem("c6g.large") is None  # Graviton: 2 vCPUs suffice
    # Types the refresh did not see fall back to the tables.
    assert catalog.aws_sev_snp_supported("c6a.2xlarge")


def test_a_refused_instance_type_read_is_an_error_not_a_smaller_catalogue(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("ec2", region_name=REGION)
    with Stubber(client) as stubber:
        stubber.add_client_error("describe_instance_types", "UnauthorizedOperation", "no", 403)
        session = type("Session", (), {"client": lambda self, *a, **k: client})()
        with pytest.raises(CloudAccessError, match=r"^aws: ec2:DescribeInstanceTypes in "
                                                   r"us-east-2 failed \(UnauthorizedOperation\)"):
            live_aws.instance_types(live_aws.Connection(session, (REGION,), ACCOUNT, "aws", None))


def sku(name: str, confidential: str | None, vcpus: str = "4") -> dict[str, Any]:
    capabilities = [compute.ResourceSkuCapabilities(name="vCPUs", value=vcpus)]
    if confidential:
        capabilities.append(compute.ResourceSkuCapabilities(name="ConfidentialComputingType",
                                                            value=confidential))
    return dict(compute.ResourceSku(name=name, resource_type="virtualMachines",
                                    locations=["westeurope"],
                                    capabilities=capabilities).as_dict())


def test_resource_skus_rebuild_the_azure_section(arm: LocalApi, live_catalogue: Any) -> None:
    path = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Compute/skus"
    arm.routes[("GET", path)] = (200, {"value": [
        sku("Standard_DC4as_v5", "SNP"), sku("Standard_DC4es_v7", "TDX"),
        sku("Standard_D4s_v5", None),
        {"name": "Premium_LRS", "resourceType": "disks", "capabilities": []}]})
    connection = live_azure.connect(LiveOptions(subscription=SUBSCRIPTION, endpoint=arm.url),
                                    AzureToken())
    sizes = live_azure.sizes(live_azure.resource_skus(connection, ("westeurope",)))
    [request] = [r for r in arm.requests if r.path == path]
    assert request.query["$filter"] == ["location eq 'westeurope'"]
    assert sizes == {
        "Standard_D4s_v5": {"vcpus": 4, "confidential_vm": ""},
        "Standard_DC4as_v5": {"vcpus": 4, "confidential_vm": "sev-snp"},
        "Standard_DC4es_v7": {"vcpus": 4, "confidential_vm": "tdx"},
    }
    assert catalog.azure_confidential_vm_technology("Standard_DC4es_v7") is None
    live_catalogue(refreshed(catalog.load(), date="2026-12-01", azure_sizes=sizes))
    # A series newer than the bundled table is known from the SKU's capability.
    assert catalog.azure_confidential_vm_technology("Standard_DC4es_v7") == "tdx"
    assert catalog.azure_confidential_vm_technology("Standard_D4s_v5") is None


def machine_types_json(*names: str) -> dict[str, Any]:
    zone = "us-central1-a"
    return message_json(compute_v1.MachineTypeAggregatedList(items={
        f"zones/{zone}": compute_v1.MachineTypesScopedList(machine_types=[
            compute_v1.MachineType(name=name, zone=zone, guest_cpus=4) for name in names])}))


def test_the_cli_rebuilds_the_gcp_section_and_keeps_the_rest(
        google: LocalApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        live_catalogue: Any) -> None:
    google.routes.update({
        ("POST", "/token"): (200, {"access_token": "t", "expires_in": 3600,
                                   "token_type": "Bearer"}),
        ("GET", f"/compute/v1/projects/{PROJECT}/aggregated/machineTypes"): (
            200, machine_types_json("n2d-standard-4", "c3-standard-8", "e2-medium",
                                    "c4d-standard-8")),
    })
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS",
                       str(service_account_file(tmp_path, f"{google.url}/token")))
    output = tmp_path / "catalogue.json"
    code = main(["catalog", "refresh", "gcp", "--endpoint", google.url, "--output", str(output),
                 "--date", "2026-12-01"])
    assert code == 0
    document = json.loads(output.read_text())
    bundled = catalog.load()
    assert document["date"] == "2026-12-01"
    # Types the bundled catalogue names one by one (g4-standard-48, a3-highgpu-1g) are kept.
    assert document["gcp"]["machine_types"] == {
        "sev": ["c4d-standard-8", "g4-standard-48", "n2d-standard-4"],
        "sev-snp": ["n2d-standard-4"],
        "tdx": ["a3-highgpu-1g", "c3-standard-8"],
    }
    assert document["aws"] == bundled["aws"] and document["azure"] == bundled["azure"]
    assert document["sources"][-1].startswith("live: GCP Compute machineTypes.aggregatedList")
    live_catalogue(document)
    assert catalog.gcp_confidential_supported("c3-standard-8", "tdx")


def test_refresh_errors_are_one_line_per_cloud(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "refresh", "aws", "--region", REGION]) == 2
    assert capsys.readouterr().err == (
        "custodes: error: aws: no credentials found by boto3's default chain (environment, "
        "shared credentials and config files, SSO, container or instance role)\n")
    assert main(["catalog", "refresh", "gcp", "--date", "soon"]) == 2
    assert capsys.readouterr().err == "custodes: error: --date 'soon' is not a YYYY-MM-DD date\n"
