"""GCP: Compute and Cloud KMS REST JSON shaped by google-cloud-compute / google-cloud-kms
messages, normalised and read through the SDKs (REST transport, ``api_endpoint``) from a
loopback server."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from custodes.engine import evaluate
from custodes.model import UNKNOWN, Graph
from custodes.sources.live import CloudAccessError, LiveOptions
from custodes.sources.live import gcp as live_gcp
from tests.audit.conftest import PROJECT, google_error
from tests.audit.servers import LocalApi

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    from google.cloud import compute_v1, kms_v1

ZONE = "us-central1-a"
COMPUTE = "https://www.googleapis.com/compute/v1"
DISK_LINK = f"{COMPUTE}/projects/{PROJECT}/zones/{ZONE}/disks/cvm"
INSTANCE_LINK = f"{COMPUTE}/projects/{PROJECT}/zones/{ZONE}/instances/cvm"
KEY = f"projects/{PROJECT}/locations/us-central1/keyRings/confidential/cryptoKeys/disk"
INSTANCES = f"/compute/v1/projects/{PROJECT}/aggregated/instances"
DISKS = f"/compute/v1/projects/{PROJECT}/aggregated/disks"


def message_json(message: Any) -> dict[str, Any]:
    """The REST JSON of a google-cloud message (what the API sends)."""
    return dict(json.loads(type(message).to_json(message, use_integers_for_enums=False)))


def disk_message(key: str | None = f"{KEY}/cryptoKeyVersions/1") -> Any:
    return compute_v1.Disk(
        name="cvm", self_link=DISK_LINK, zone=f"{COMPUTE}/projects/{PROJECT}/zones/{ZONE}",
        size_gb=20, type_=f"{COMPUTE}/projects/{PROJECT}/zones/{ZONE}/diskTypes/pd-balanced",
        source_image=f"{COMPUTE}/projects/ubuntu-os-cloud/global/images/ubuntu-2404",
        disk_encryption_key=compute_v1.CustomerEncryptionKey(kms_key_name=key) if key else None)


def instance_message(key: str | None = f"{KEY}/cryptoKeyVersions/1",
                     kind: str = "SEV_SNP") -> Any:
    return compute_v1.Instance(
        name="cvm", self_link=INSTANCE_LINK, id=1234567890,
        zone=f"{COMPUTE}/projects/{PROJECT}/zones/{ZONE}",
        machine_type=f"{COMPUTE}/projects/{PROJECT}/zones/{ZONE}/machineTypes/n2d-standard-4",
        min_cpu_platform="AMD Milan",
        confidential_instance_config=compute_v1.ConfidentialInstanceConfig(
            confidential_instance_type=kind),
        scheduling=compute_v1.Scheduling(on_host_maintenance="TERMINATE"),
        shielded_instance_config=compute_v1.ShieldedInstanceConfig(
            enable_secure_boot=True, enable_vtpm=True, enable_integrity_monitoring=True),
        disks=[compute_v1.AttachedDisk(
            boot=True, source=DISK_LINK, device_name="cvm",
            disk_encryption_key=compute_v1.CustomerEncryptionKey(kms_key_name=key)
            if key else None)])


def key_message(level: Any = kms_v1.ProtectionLevel.HSM) -> Any:
    return kms_v1.CryptoKey(
        name=KEY, purpose=kms_v1.CryptoKey.CryptoKeyPurpose.ENCRYPT_DECRYPT,
        primary=kms_v1.CryptoKeyVersion(name=f"{KEY}/cryptoKeyVersions/1", protection_level=level,
                                        state=kms_v1.CryptoKeyVersion.CryptoKeyVersionState.ENABLED),
        version_template=kms_v1.CryptoKeyVersionTemplate(protection_level=level))


def aggregated(kind: str, items: list[Any], unreachables: tuple[str, ...] = ()) -> dict[str, Any]:
    if kind == "instances":
        message = compute_v1.InstanceAggregatedList(
            items={f"zones/{ZONE}": compute_v1.InstancesScopedList(instances=items)},
            unreachables=list(unreachables))
    else:
        message = compute_v1.DiskAggregatedList(
            items={f"zones/{ZONE}": compute_v1.DisksScopedList(disks=items)},
            unreachables=list(unreachables))
    return message_json(message)


def project(api: LocalApi, overrides: dict[tuple[str, str], Any] | None = None) -> None:
    """Serve a project with one SEV-SNP instance on an HSM-keyed disk."""
    api.routes.update({
        ("GET", INSTANCES): (200, aggregated("instances", [instance_message()])),
        ("GET", DISKS): (200, aggregated("disks", [disk_message()])),
        ("GET", f"/v1/{KEY}"): (200, message_json(key_message())),
    })
    api.routes.update(overrides or {})


def read(api: LocalApi, **options: Any) -> Any:
    from google.auth.credentials import AnonymousCredentials

    connection = live_gcp.Connection(AnonymousCredentials(), PROJECT, api.url)
    return live_gcp.read(connection, LiveOptions(project=PROJECT, endpoint=api.url, **options))


# --- normalisers ---------------------------------------------------------------


def test_an_instance_reads_as_pulumi_gcp_records_it() -> None:
    disk = message_json(disk_message())
    resource = live_gcp.instance(message_json(instance_message()),
                                 {live_gcp.normalise_identifier(DISK_LINK): disk})
    assert resource.type == "gcp:compute/instance:Instance"
    assert resource.get("confidentialInstanceConfig.confidentialInstanceType") == "SEV_SNP"
    assert resource.get("scheduling.onHostMaintenance") == "TERMINATE"
    assert resource.get("machineType") == "n2d-standard-4"
    assert resource.get("bootDisk.kmsKeySelfLink") == f"{KEY}/cryptoKeyVersions/1"
    assert resource.get("bootDisk.initializeParams.image").endswith("/images/ubuntu-2404")
    assert resource.id == f"projects/{PROJECT}/zones/{ZONE}/instances/cvm"
    assert resource.output("selfLink") == INSTANCE_LINK


def test_a_customer_supplied_key_cannot_be_told_and_is_unresolved() -> None:
    data = message_json(instance_message(key=None))
    data["disks"][0]["diskEncryptionKey"] = {"sha256": "c2hhMjU2"}
    resource = live_gcp.instance(data)
    assert resource.get("bootDisk.kmsKeySelfLink") is UNKNOWN
    [finding] = [f for f in evaluate(Graph([resource])).findings
                 if f.rule_id == "gcp-compute-confidential-require-customer-key"]
    assert finding.unresolved


def test_a_google_managed_disk_is_provider_custody() -> None:
    # The audit reads the instance and its disks: the boot disk's own record decides.
    resource = live_gcp.instance(message_json(instance_message(key=None)))
    disk = live_gcp.disk(message_json(disk_message(key=None)))
    findings = [f for f in evaluate(Graph([resource, disk])).findings
                if f.rule_id == "gcp-compute-confidential-require-customer-key"]
    assert [(f.enforcement, f.unresolved) for f in findings] == [("mandatory", False)]
    assert findings[0].message.endswith("a Google-managed key")


def test_a_live_disk_in_confidential_mode_is_a_confidential_volume() -> None:
    data = message_json(disk_message(key=None))
    data["enableConfidentialCompute"] = True
    disk = live_gcp.disk(data)
    findings = [f for f in evaluate(Graph([disk])).findings
                if f.rule_id == "gcp-compute-confidential-require-customer-key"]
    assert [(f.name, f.unresolved) for f in findings] == [("cvm", False)]
    assert live_gcp.disk(message_json(disk_message(key=None))).get(
        "enableConfidentialCompute") is None


def test_a_boot_disk_the_audit_did_not_read_is_unresolved() -> None:
    resource = live_gcp.instance(message_json(instance_message(key=None)))
    [finding] = [f for f in evaluate(Graph([resource])).findings
                 if f.rule_id == "gcp-compute-confidential-require-customer-key"]
    assert finding.unresolved and "outside the stack" in finding.message


def test_the_primary_versions_protection_level_is_the_one_judged() -> None:
    data = message_json(key_message(kms_v1.ProtectionLevel.SOFTWARE))
    data["versionTemplate"]["protectionLevel"] = "HSM"  # only future versions would be HSM
    assert live_gcp.crypto_key(data).get("versionTemplate.protectionLevel") == "SOFTWARE"


# --- the fetch layer ---------------------------------------------------------------


def test_reads_a_project_through_the_sdks(google: LocalApi) -> None:
    project(google)
    result = read(google)
    assert result.gaps == []
    assert sorted(r.type for r in result.resources) == [
        "gcp:compute/disk:Disk", "gcp:compute/instance:Instance", "gcp:kms/cryptoKey:CryptoKey"]
    report = evaluate(Graph(result.resources))
    [workload] = report.workloads
    assert workload["technologies"] == ["sev-snp"]
    assert [k["custody"] for k in workload["keys"]] == ["customer-hsm"]
    assert report.passed


def test_an_unreachable_zone_makes_the_read_partial(google: LocalApi) -> None:
    project(google, {("GET", INSTANCES): (200, aggregated(
        "instances", [instance_message()], unreachables=("zones/us-central1-b",)))})
    result = read(google)
    assert [(g.scope, g.api, g.reason) for g in result.gaps] == [
        (f"{PROJECT}/zones/us-central1-b", "compute.instances.aggregatedList", "UNREACHABLE")]


def test_a_refused_key_read_is_partial_and_leaves_custody_unresolved(google: LocalApi) -> None:
    project(google, {("GET", f"/v1/{KEY}"): google_error(403, "PERMISSION_DENIED")})
    result = read(google)
    assert [(g.api, g.reason, g.subjects) for g in result.gaps] == [
        ("cloudkms.cryptoKeys.get", "PERMISSION_DENIED", (KEY,))]
    report = evaluate(Graph([*result.resources, *(g.resource() for g in result.gaps)]))
    custody = [f for f in report.findings
               if f.rule_id == "gcp-compute-confidential-require-customer-key"]
    assert [f.unresolved for f in custody] == [True]
    assert not report.passed


def test_throttling_is_retried_by_api_core(google: LocalApi) -> None:
    throttled = google_error(429, "RESOURCE_EXHAUSTED", "rate limited")
    project(google, {("GET", INSTANCES): [
        throttled, (200, aggregated("instances", [instance_message()]))]})
    result = read(google, retry_initial_delay=0.01)
    assert google.hits("GET", INSTANCES) == 2
    assert result.gaps == []


def test_regions_narrow_the_read(google: LocalApi) -> None:
    project(google)
    result = read(google, regions=("europe-west4",))
    assert [r for r in result.resources if r.type.startswith("gcp:compute/")] == []


def service_account_file(directory: Path, token_uri: str) -> Path:
    """An Application Default Credentials file whose token endpoint is ``token_uri``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = directory / "adc.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": PROJECT, "private_key_id": "1",
        "private_key": pem, "client_email": f"audit@{PROJECT}.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": token_uri}))
    return path


def test_application_default_credentials_are_found_and_proven(
        google: LocalApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(google, {("POST", "/token"): (200, {"access_token": "test-token",
                                                "expires_in": 3600, "token_type": "Bearer"})})
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS",
                       str(service_account_file(tmp_path, f"{google.url}/token")))
    options = LiveOptions(endpoint=google.url)
    connection = live_gcp.connect(options)
    assert connection.project == PROJECT  # from the credentials file
    result = live_gcp.read(connection, options)
    assert result.gaps == []
    assert google.hits("POST", "/token") == 1
    compute_calls = [r for r in google.requests if r.path == INSTANCES]
    assert compute_calls[0].headers.get("authorization", "").startswith("Bearer ")


def test_refused_application_default_credentials_are_one_clear_error(
        google: LocalApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    google.routes[("POST", "/token")] = (400, {"error": "invalid_grant",
                                               "error_description": "account disabled"})
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS",
                       str(service_account_file(tmp_path, f"{google.url}/token")))
    with pytest.raises(CloudAccessError) as error:
        live_gcp.connect(LiveOptions(endpoint=google.url))
    assert str(error.value) == "gcp: credentials refused by the token endpoint (RefreshError)"


def test_a_token_the_api_rejects_is_one_clear_error(
        google: LocalApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(google, {("POST", "/token"): (200, {"access_token": "revoked", "expires_in": 3600,
                                                "token_type": "Bearer"}),
                     ("GET", DISKS): google_error(401, "UNAUTHENTICATED")})
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS",
                       str(service_account_file(tmp_path, f"{google.url}/token")))
    options = LiveOptions(endpoint=google.url)
    with pytest.raises(CloudAccessError) as error:
        live_gcp.read(live_gcp.connect(options), options)
    assert str(error.value) == ("gcp: credentials refused by compute.disks.aggregatedList "
                                "(UNAUTHENTICATED)")
