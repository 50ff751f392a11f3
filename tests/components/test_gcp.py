"""custodes.gcp components: what they refuse, what they declare, and what custodes check says."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodes import gcp
from custodes.components import ConfigurationError
from custodes.components.gcp import (
    attribute_condition,
    plan_confidential_instance,
    plan_confidential_space_workload,
    plan_disk_key,
    zone_region,
)
from tests.components.conftest import Recorded, check_project, mandatory, run_program

INSTANCE = "gcp:compute/instance:Instance"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
KEY_VERSION = "gcp:kms/cryptoKeyVersion:CryptoKeyVersion"
KEY_MEMBER = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
POOL = "gcp:iam/workloadIdentityPool:WorkloadIdentityPool"
POOL_PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"
ACCOUNT = "gcp:serviceaccount/account:Account"
PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember"
RING = "projects/acme/locations/us-central1/keyRings/confidential"
BASE: dict[str, Any] = {"zone": "us-central1-a", "key_ring": RING}
DIGEST = "sha256:" + "ab" * 32
IMAGE = f"us-docker.pkg.dev/acme/apps/ledger@{DIGEST}"
SPACE: dict[str, Any] = {**BASE, "image_reference": IMAGE}


# --- planning: refusals and their opt-outs ---------------------------------------


def test_confidential_instance_defaults_to_sev_snp_on_milan() -> None:
    plan = plan_confidential_instance(BASE)
    assert (plan.technology, plan.machine_type, plan.min_cpu_platform, plan.disk_key.source,
            plan.disk_key.protection_level) == ("SEV_SNP", "n2d-standard-2", "AMD Milan",
                                                "create", "HSM")


@pytest.mark.parametrize(("machine_type", "technology"), [
    ("c3-standard-4", "SEV_SNP"), ("n2d-standard-4", "TDX"), ("e2-standard-4", "SEV"),
    ("n2-standard-8", "SEV"),
])
def test_a_machine_type_without_the_technology_is_refused(machine_type: str,
                                                          technology: str) -> None:
    args = {**BASE, "machine_type": machine_type, "confidential_instance_type": technology}
    with pytest.raises(ConfigurationError, match=machine_type) as error:
        plan_confidential_instance(args)
    assert (error.value.argument, error.value.opt_out) == ("machine_type", "allow_unlisted_size")
    assert plan_confidential_instance({**args, "allow_unlisted_size": True})


@pytest.mark.parametrize(("machine_type", "technology"), [
    ("c3-standard-4", "TDX"), ("a3-highgpu-1g", "TDX"), ("c2d-standard-8", "SEV"),
    ("c3d-standard-8", "SEV"),
])
def test_supported_machine_types_are_accepted(machine_type: str, technology: str) -> None:
    plan = plan_confidential_instance({**BASE, "machine_type": machine_type,
                                       "confidential_instance_type": technology})
    assert (plan.machine_type, plan.min_cpu_platform) == (machine_type, None)


def test_sev_snp_outside_its_regions_is_refused_unless_opted_out() -> None:
    with pytest.raises(ConfigurationError, match="us-east1-b") as error:
        plan_confidential_instance({**BASE, "zone": "us-east1-b"})
    assert (error.value.argument, error.value.opt_out) == ("zone", "allow_unlisted_zone")
    assert plan_confidential_instance({**BASE, "zone": "us-east1-b",
                                       "allow_unlisted_zone": True})


def test_sev_snp_on_another_cpu_platform_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="AMD Milan") as error:
        plan_confidential_instance({**BASE, "min_cpu_platform": "AMD Rome"})
    assert (error.value.argument, error.value.opt_out) == ("min_cpu_platform", None)


@pytest.mark.parametrize(("args", "argument"), [
    ({"zone": "us-central1"}, "zone"),
    ({"zone": None}, "zone"),
    ({"confidential_instance_type": "SGX"}, "confidential_instance_type"),
    ({"boot_disk_size_gb": -1}, "boot_disk_size_gb"),
])
def test_malformed_arguments_are_named(args: dict[str, Any], argument: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_confidential_instance({**BASE, **args})
    assert error.value.argument == argument


def test_zone_region() -> None:
    assert zone_region("europe-west4-b") == "europe-west4"


def test_opting_out_of_a_customer_key_while_giving_one_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="contradicts key_ring") as error:
        plan_disk_key({"key_ring": RING, "allow_provider_managed_key": True})
    assert error.value.argument == "allow_provider_managed_key"


def test_a_space_workload_opted_out_of_a_disk_key_keeps_its_workload_key() -> None:
    plan = plan_confidential_space_workload({**SPACE, "allow_provider_managed_key": True},
                                            "ledger")
    assert (plan.instance.disk_key.source, plan.workload_key.source) == ("provider", "create")


def test_no_customer_key_is_refused_naming_the_key_ring() -> None:
    with pytest.raises(ConfigurationError, match="Google-managed") as error:
        plan_disk_key({"zone": "us-central1-a"})
    assert (error.value.argument, error.value.opt_out) == ("key_ring",
                                                           "allow_provider_managed_key")
    assert plan_disk_key({"allow_provider_managed_key": True}).source == "provider"
    assert plan_disk_key({"kms_key_self_link": "projects/p/…/cryptoKeys/k"}).source == "given"


@pytest.mark.parametrize(("args", "argument", "opt_out"), [
    ({"protection_level": "SOFTWARE"}, "protection_level", "allow_software_key"),
    ({"protection_level": "EXTERNAL"}, "external_key_uri", None),
    ({"protection_level": "EXTERNAL_VPC"}, "ekm_connection", None),
    ({"protection_level": "HSM_SINGLE_TENANT"}, "protection_level", None),
])
def test_created_key_refusals(args: dict[str, Any], argument: str, opt_out: str | None) -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_disk_key({"key_ring": RING, **args})
    assert (error.value.argument, error.value.opt_out) == (argument, opt_out)


@pytest.mark.parametrize("args", [
    {"protection_level": "SOFTWARE", "allow_software_key": True},
    {"protection_level": "EXTERNAL", "external_key_uri": "https://ekm.example/v0/keys/k"},
    {"protection_level": "EXTERNAL_VPC", "ekm_connection": "projects/p/…/ekmConnections/e"},
])
def test_created_key_levels(args: dict[str, Any]) -> None:
    assert plan_disk_key({"key_ring": RING, **args}).protection_level == args["protection_level"]


@pytest.mark.parametrize("reference", [
    "us-docker.pkg.dev/acme/apps/ledger:latest",
    "us-docker.pkg.dev/acme/apps/ledger@sha256:abc",
    f"us-docker.pkg.dev/acme/apps/ledger:v1@{DIGEST.upper()}",
    None,
])
def test_a_container_not_pinned_by_digest_is_refused(reference: str | None) -> None:
    with pytest.raises(ConfigurationError, match="digest") as error:
        plan_confidential_space_workload({**BASE, "image_reference": reference}, "ledger")
    assert (error.value.argument, error.value.opt_out) == ("image_reference", None)


def test_a_workload_needs_a_key_ring_for_its_key() -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_confidential_space_workload({"zone": "us-central1-a", "image_reference": IMAGE,
                                          "kms_key_self_link": "projects/p/…/cryptoKeys/k"},
                                         "ledger")
    assert error.value.argument == "key_ring"


def test_confidential_space_defaults() -> None:
    plan = plan_confidential_space_workload(SPACE, "ledger")
    assert (plan.instance.technology, plan.instance.image, plan.image_digest, plan.pool_id,
            plan.service_account_id, plan.debug) == (
        "SEV", "projects/confidential-space-images/global/images/family/confidential-space",
        DIGEST, "ledger", "ledger-workload", False)


def test_the_debug_image_needs_its_opt_out() -> None:
    plan = plan_confidential_space_workload({**SPACE, "allow_debug_image": True}, "ledger")
    assert plan.debug and plan.instance.image.endswith("/confidential-space-debug")


def test_a_software_workload_key_needs_its_opt_out() -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_confidential_space_workload({**SPACE, "workload_key_protection_level": "SOFTWARE"},
                                         "ledger")
    assert (error.value.argument, error.value.opt_out) == ("workload_key_protection_level",
                                                           "allow_software_key")


def test_a_bad_pool_id_is_refused() -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_confidential_space_workload({**SPACE, "pool_id": "gcp-reserved"}, "ledger")
    assert error.value.argument == "pool_id"


@given(st.text(min_size=1, max_size=80))
def test_any_component_name_derives_valid_pool_and_account_ids(name: str) -> None:
    plan = plan_confidential_space_workload(SPACE, name)
    assert re.fullmatch(r"[a-z0-9-]{4,32}", plan.pool_id) and not plan.pool_id.startswith("gcp-")
    assert re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", plan.service_account_id)


def test_the_attribute_condition_pins_image_stable_and_account() -> None:
    condition = attribute_condition(DIGEST, "w@acme.iam.gserviceaccount.com", debug=False)
    assert condition.split(" && ") == [
        "assertion.swname == 'CONFIDENTIAL_SPACE'",
        "'STABLE' in assertion.submods.confidential_space.support_attributes",
        f"assertion.submods.container.image_digest == '{DIGEST}'",
        "'w@acme.iam.gserviceaccount.com' in assertion.google_service_accounts",
    ]
    debug = attribute_condition(DIGEST, "w@acme.iam.gserviceaccount.com", debug=True)
    assert "STABLE" not in debug and DIGEST in debug and "||" not in debug


# --- resources declared under mocks -------------------------------------------------


def _instance(args: dict[str, Any]) -> Recorded:
    return run_program(lambda: {"key": gcp.ConfidentialInstance(
        "vm", gcp.ConfidentialInstanceArgs(**args)).disk_key_id})


def test_confidential_instance_boots_from_an_hsm_key_and_stops_for_maintenance() -> None:
    recorded = _instance(BASE)
    component = recorded.one("custodes:gcp:ConfidentialInstance")
    key, grant, instance = recorded.one(CRYPTO_KEY), recorded.one(KEY_MEMBER), recorded.one(INSTANCE)
    assert {key.parent, grant.parent, instance.parent} == {component.urn}
    assert key.inputs["keyRing"] == RING
    assert key.get("versionTemplate") == {"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION",
                                          "protectionLevel": "HSM"}
    assert key.inputs["rotationPeriod"] == "7776000s"
    assert grant.inputs["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant.inputs["member"] == (
        "serviceAccount:service-123456789@compute-system.iam.gserviceaccount.com")
    assert instance.get("bootDisk.kmsKeySelfLink") == recorded.outputs["key"]
    assert instance.get("confidentialInstanceConfig.confidentialInstanceType") == "SEV_SNP"
    assert instance.inputs["minCpuPlatform"] == "AMD Milan"
    assert instance.get("scheduling.onHostMaintenance") == "TERMINATE"
    assert instance.get("shieldedInstanceConfig") == {
        "enableSecureBoot": True, "enableVtpm": True, "enableIntegrityMonitoring": True}
    assert instance.get("networkInterfaces") == [{"network": "default"}]


def test_an_external_key_gets_its_external_version() -> None:
    uri = "https://ekm.example.com/v0/keys/disk"
    recorded = _instance({**BASE, "protection_level": "EXTERNAL", "external_key_uri": uri})
    key, version = recorded.one(CRYPTO_KEY), recorded.one(KEY_VERSION)
    assert key.get("versionTemplate.protectionLevel") == "EXTERNAL"
    assert key.get("versionTemplate.algorithm") == "EXTERNAL_SYMMETRIC_ENCRYPTION"
    assert key.inputs["skipInitialVersionCreation"] is True and "rotationPeriod" not in key.inputs
    assert version.get("externalProtectionLevelOptions") == {"externalKeyUri": uri}
    assert version.inputs["cryptoKey"] == recorded.outputs["key"]


def test_an_external_vpc_key_is_reached_through_its_ekm_connection() -> None:
    connection = "projects/acme/locations/us-central1/ekmConnections/ekm"
    recorded = _instance({**BASE, "protection_level": "EXTERNAL_VPC",
                          "ekm_connection": connection})
    key = recorded.one(CRYPTO_KEY)
    assert (key.get("versionTemplate.protectionLevel"), key.inputs["cryptoKeyBackend"]) == (
        "EXTERNAL_VPC", connection)
    assert recorded.of_type(KEY_VERSION) == []


def test_a_given_key_is_used_as_is() -> None:
    link = "projects/acme/locations/us-central1/keyRings/r/cryptoKeys/disk"
    recorded = _instance({"zone": "us-central1-a", "kms_key_self_link": link})
    assert recorded.of_type(CRYPTO_KEY) == [] and recorded.of_type(KEY_MEMBER) == []
    assert recorded.one(INSTANCE).get("bootDisk.kmsKeySelfLink") == link


def test_allow_provider_managed_key_leaves_the_boot_disk_without_a_key() -> None:
    recorded = _instance({"zone": "us-central1-a", "allow_provider_managed_key": True})
    assert recorded.one(INSTANCE).get("bootDisk.kmsKeySelfLink") is None


def test_the_callers_args_are_not_changed() -> None:
    args = {**SPACE, "labels": {"team": "ledger"}}
    before = copy.deepcopy(args)
    run_program(lambda: gcp.ConfidentialSpaceWorkload("ledger", args) and None)
    assert args == before


def _space(args: dict[str, Any]) -> Recorded:
    def program() -> dict[str, Any]:
        workload = gcp.ConfidentialSpaceWorkload("ledger",
                                                 gcp.ConfidentialSpaceWorkloadArgs(**args))
        return {"email": workload.service_account_email, "pool": workload.pool_name,
                "key": workload.workload_key_id, "condition": workload.attribute_condition}

    return run_program(program)


def test_confidential_space_grants_the_workload_key_to_the_pinned_workload_only() -> None:
    recorded = _space(SPACE)
    component = recorded.one("custodes:gcp:ConfidentialSpaceWorkload")
    email = recorded.outputs["email"]
    pool, provider = recorded.one(POOL), recorded.one(POOL_PROVIDER)
    account, workload_user = recorded.one(ACCOUNT), recorded.one(PROJECT_MEMBER)
    for child in (pool, provider, account, workload_user):
        assert child.parent == component.urn
    assert pool.inputs["workloadIdentityPoolId"] == "ledger"
    assert provider.inputs["workloadIdentityPoolId"] == "ledger"
    assert provider.get("oidc.issuerUri") == "https://confidentialcomputing.googleapis.com/"
    assert provider.inputs["attributeCondition"] == attribute_condition(DIGEST, email,
                                                                        debug=False)
    assert workload_user.inputs["role"] == "roles/confidentialcomputing.workloadUser"
    assert workload_user.inputs["member"] == f"serviceAccount:{email}"
    workload_key = next(k for k in recorded.of_type(CRYPTO_KEY) if k.name == "ledger-workload-key")
    assert workload_key.get("versionTemplate.protectionLevel") == "HSM"
    grants = [m for m in recorded.of_type(KEY_MEMBER) if m.inputs["cryptoKeyId"] ==
              recorded.outputs["key"]]
    assert [(g.inputs["role"], g.inputs["member"]) for g in grants] == [(
        "roles/cloudkms.cryptoKeyDecrypter",
        f"principalSet://iam.googleapis.com/{recorded.outputs['pool']}/*")]
    instance_component = recorded.one("custodes:gcp:ConfidentialInstance")
    instance = recorded.one(INSTANCE)
    assert instance_component.parent == component.urn
    assert instance.parent == instance_component.urn
    assert instance.get("bootDisk.initializeParams.image") == (
        "projects/confidential-space-images/global/images/family/confidential-space")
    assert instance.get("metadata") == {"tee-image-reference": IMAGE}
    assert instance.get("serviceAccount.email") == email
    assert instance.get("confidentialInstanceConfig.confidentialInstanceType") == "SEV"
    assert instance.get("scheduling.onHostMaintenance") == "TERMINATE"
    assert instance.get("bootDisk.kmsKeySelfLink") not in (None, recorded.outputs["key"])


def test_confidential_space_on_tdx() -> None:
    recorded = _space({**SPACE, "confidential_instance_type": "TDX",
                       "machine_type": "c3-standard-4"})
    instance = recorded.one(INSTANCE)
    assert instance.get("confidentialInstanceConfig.confidentialInstanceType") == "TDX"
    assert instance.inputs["machineType"] == "c3-standard-4"


def test_the_debug_opt_out_runs_the_debug_image_without_the_stable_requirement() -> None:
    recorded = _space({**SPACE, "allow_debug_image": True})
    assert recorded.one(INSTANCE).get("bootDisk.initializeParams.image").endswith(
        "/confidential-space-debug")
    assert "STABLE" not in recorded.outputs["condition"]


# --- custodes check on the components' stacks --------------------------------------

GCP_CONFIG = {"gcp:project": "acme"}


def test_default_arguments_leave_no_mandatory_finding(tmp_path: Path) -> None:
    report = check_project(tmp_path / "vm", f"""
        from custodes import gcp
        gcp.ConfidentialInstance("vm", {{"zone": "us-central1-a", "key_ring": "{RING}"}})
        """, GCP_CONFIG)
    assert mandatory(report) == []
    assert [key.label for w in report.custody for key in w.keys] == ["customer-hsm"]
    report = check_project(tmp_path / "space", f"""
        from custodes import gcp
        gcp.ConfidentialSpaceWorkload("ledger", {{"zone": "us-central1-a", "key_ring": "{RING}",
                                                 "image_reference": "{IMAGE}"}})
        """, GCP_CONFIG)
    assert mandatory(report) == []


@pytest.mark.parametrize(("extra", "rule", "resource"), [
    ('"allow_debug_image": True', "gcp-compute-confidential-space-disallow-debug-image", "ledger"),
    ('"allow_provider_managed_key": True',
     "gcp-compute-confidential-require-customer-key", "ledger"),
    ('"machine_type": "e2-standard-4", "allow_unlisted_size": True',
     "gcp-compute-confidential-require-supported-machine", "ledger"),
])
def test_an_opt_out_is_still_reported(tmp_path: Path, extra: str, rule: str,
                                      resource: str) -> None:
    report = check_project(tmp_path, f"""
        from custodes import gcp
        gcp.ConfidentialSpaceWorkload("ledger", {{"zone": "us-central1-a", "key_ring": "{RING}",
                                                 "image_reference": "{IMAGE}", {extra}}})
        """, GCP_CONFIG)
    assert (rule, resource) in mandatory(report)
