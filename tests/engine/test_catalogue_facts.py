"""The machine-type catalogue against the clouds' own documents (checked 2026-11-30).

Each case is a fact of ``custodes/catalog/machine_types.json`` whose source is cited
there and in :mod:`custodes.catalog`; a rule that reads it is exercised the way a user
meets it (a declared resource, a finding or none).
"""

from __future__ import annotations

from typing import Any

import pytest

from custodes.catalog import (
    azure_confidential_vm_technology,
    gcp_confidential_supported,
    ibm_confidential_profile,
    ibm_hyper_protect_cutoff,
    ibm_hyper_protect_end_of_service,
    oci_sev_platform_type,
    oci_sev_shape,
)
from custodes.config import build_settings
from custodes.engine import evaluate
from custodes.model import Resource
from tests.conftest import graph, resource

IBM_INSTANCE = "ibm:index/isInstance:IsInstance"
IBM_PROFILE_RULE = "ibm-vpc-confidential-require-supported-profile"
IBM_WITHDRAWN_RULE = "ibm-vpc-hyper-protect-disallow-withdrawn-service"
OCI_INSTANCE = "oci:Core/instance:Instance"
OCI_SHAPE_RULE = "oci-compute-confidential-require-supported-shape"
HPCS_KEY = "crn:v1:bluemix:public:hs-crypto:us-south:a/1:2:key:3"


def outcomes(rule_id: str, *resources: Resource) -> list[tuple[bool, str]]:
    """(unresolved, message) of every finding of one rule, in the strict profile."""
    report = evaluate(graph(*resources), build_settings("strict"))
    return sorted((f.unresolved, f.message) for f in report.findings if f.rule_id == rule_id)


def ibm_instance(profile: str, mode: str, **extra: Any) -> Resource:
    return resource(IBM_INSTANCE, "vsi", {
        "name": "vsi", "profile": profile, "confidentialComputeMode": mode,
        "image": "r006-ubuntu-24-04", "vpc": "r006-vpc", "zone": "us-east-1",
        "primaryNetworkInterface": {"subnet": "0757-subnet"},
        "bootVolume": {"encryption": HPCS_KEY}, **extra,
    })


def oci_instance(shape: str, platform_type: str) -> Resource:
    return resource(OCI_INSTANCE, "cvm", {
        "availabilityDomain": "Uocm:US-ASHBURN-AD-1",
        "compartmentId": "ocid1.compartment.oc1..aaaa", "shape": shape,
        "platformConfig": {"type": platform_type, "isMemoryEncryptionEnabled": True},
        "sourceDetails": {"sourceType": "image", "sourceId": "ocid1.image.oc1.iad.aaaa"},
    })


# --- IBM: "Confidential Computing instance profiles - x86 Gen 3" (2026-05-06) -------------

@pytest.mark.parametrize(("profile", "technology", "offered"), [
    ("bx3dc-2x10", "sgx", True),
    ("bx3dc-8x40", "sgx", True),      # 40 GiB: SGX (16 GB EPC)
    ("cx3dc-24x60", "sgx", True),     # 60 GiB: the largest SGX profile
    ("bx3dc-16x80", "sgx", False),    # 80 GiB: TDX only
    ("cx3dc-128x320", "sgx", False),
    ("bx3dc-96x480", "tdx", True),    # every confidential profile offers TDX
    ("cx3dc-2x5", "tdx", True),
    ("mx3dc-2x16", "tdx", False),     # no mx3dc family in IBM's docs
    ("mx3dc-2x16", "sgx", False),
    ("bx3d-2x10", "tdx", False),
])
def test_ibm_confidential_profiles(profile: str, technology: str, offered: bool) -> None:
    assert ibm_confidential_profile(profile, technology) is offered


def test_ibm_sgx_on_a_large_confidential_profile_is_a_violation() -> None:
    assert outcomes(IBM_PROFILE_RULE, ibm_instance("bx3dc-16x80", "sgx")) == [
        (False, "profile bx3dc-16x80 does not offer SGX")]
    assert outcomes(IBM_PROFILE_RULE, ibm_instance("bx3dc-16x80", "tdx")) == []
    assert outcomes(IBM_PROFILE_RULE, ibm_instance("cx3dc-24x60", "sgx")) == []


def test_ibm_sgx_on_a_confidential_profile_of_unknown_size_is_unresolved() -> None:
    [(unresolved, message)] = outcomes(IBM_PROFILE_RULE, ibm_instance("bx3dc-custom", "sgx"))
    assert unresolved and "bx3dc-custom" in message


# --- IBM: "Service deprecation: IBM Cloud LinuxONE and Hyper Protect Virtual Server
# offerings" (2026-02-20): End of Marketing 28 February 2026, End of Service 20 February 2027.

def test_ibm_hyper_protect_dates() -> None:
    assert ibm_hyper_protect_cutoff() == "2026-02-28"
    assert ibm_hyper_protect_end_of_service() == "2027-02-20"


def test_ibm_hyper_protect_finding_names_both_dates_and_the_replacement() -> None:
    hpvs = resource(IBM_INSTANCE, "hpvs", {
        "name": "hpvs", "profile": "bz2e-1x4", "image": "ibm-hyper-protect-container-runtime-1-0-s390x-21",
        "vpc": "r006-vpc", "zone": "us-east-1", "primaryNetworkInterface": {"subnet": "s"},
        "bootVolume": {"encryption": HPCS_KEY},
    })
    [(unresolved, message)] = outcomes(IBM_WITHDRAWN_RULE, hpvs)
    assert not unresolved
    assert "2026-02-28" in message and "2027-02-20" in message
    assert "Confidential Computing Container Runtime" in message


# --- OCI: "Confidential Computing" (docs.oracle.com, updated 2025-01-10) ------------------

@pytest.mark.parametrize(("shape", "offered"), [
    ("VM.Standard.E4.Flex", True),
    ("VM.Standard.E3.Flex", True),
    ("BM.Standard.E3.128", True),
    ("BM.Standard.E4.128", True),
    ("BM.DenseIO.E4.128", True),
    ("BM.Standard.E5.192", True),     # added: listed by Oracle
    ("BM.DenseIO.E5.128", True),      # added: listed by Oracle
    ("VM.Standard.E5.Flex", False),   # not in Oracle's list
    ("VM.Standard.E2.2", False),
    ("VM.Standard3.Flex", False),
    ("VM.Standard.E6.Flex", None),    # unknown to the catalogue: neither passed nor failed
])
def test_oci_confidential_shapes(shape: str, offered: bool | None) -> None:
    assert oci_sev_shape(shape) is offered


@pytest.mark.parametrize(("platform_type", "encrypts"), [
    ("AMD_VM", True), ("AMD_ROME_BM", True), ("AMD_MILAN_BM", True),
    ("INTEL_VM", False), ("INTEL_ICELAKE_BM", False), ("INTEL_SKYLAKE_BM", False),
    ("GENERIC_BM", None), ("AMD_MILAN_BM_GPU", None),
])
def test_oci_platform_types(platform_type: str, encrypts: bool | None) -> None:
    assert oci_sev_platform_type(platform_type) is encrypts


def test_oci_e5_bare_metal_is_judged_by_its_platform_type() -> None:
    assert outcomes(OCI_SHAPE_RULE, oci_instance("BM.Standard.E5.192", "AMD_MILAN_BM")) == []
    [(unresolved, message)] = outcomes(
        OCI_SHAPE_RULE, oci_instance("BM.Standard.E5.192", "GENERIC_BM"))
    assert unresolved and "GENERIC_BM" in message
    assert outcomes(OCI_SHAPE_RULE, oci_instance("VM.Standard.E5.Flex", "AMD_VM")) == [
        (False, "VM.Standard.E5.Flex does not offer confidential computing")]


# --- GCP: Dataproc "Encrypt memory with Confidential VM clusters" ----------------------

@pytest.mark.parametrize(("machine_type", "technology", "offered"), [
    ("n2d-standard-4", "sev", True),
    ("c2d-standard-4", "sev", True),
    ("c3d-standard-4", "sev", True),
    ("c4d-standard-8", "sev", True),
    ("g4-standard-48", "sev", True),  # added: SEV with the NVIDIA G4 machine type
    ("g4-standard-96", "sev", False),
    ("n2d-standard-4", "sev-snp", True),
    ("c3d-standard-4", "sev-snp", False),
    ("c4d-standard-8", "sev-snp", False),
    ("c3-standard-4", "tdx", True),
    ("a3-highgpu-1g", "tdx", True),
    ("a3-highgpu-8g", "tdx", False),
    ("c4-standard-4", "tdx", False),  # not confirmed by Google's stored pages
])
def test_gcp_confidential_machine_types(machine_type: str, technology: str,
                                        offered: bool) -> None:
    assert gcp_confidential_supported(machine_type, technology) is offered


# --- Azure: size-series pages and the confidential products overview -----------------------

@pytest.mark.parametrize(("size", "technology"), [
    ("Standard_DC4as_v5", "sev-snp"), ("Standard_DC4ads_v5", "sev-snp"),
    ("Standard_EC4as_v5", "sev-snp"), ("Standard_EC4ads_v5", "sev-snp"),
    ("Standard_DC2as_v6", "sev-snp"), ("Standard_DC96as_v6", "sev-snp"),
    ("Standard_DC4ads_v6", "sev-snp"), ("Standard_EC4as_v6", "sev-snp"),
    ("Standard_EC4ads_v6", "sev-snp"),
    ("Standard_NCC40ads_H100_v5", "sev-snp"),
    ("Standard_DC4es_v5", "tdx"), ("Standard_DC4eds_v5", "tdx"),
    ("Standard_EC4es_v5", "tdx"), ("Standard_EC4eds_v5", "tdx"),
    ("Standard_DC2es_v6", "tdx"), ("Standard_DC128es_v6", "tdx"),
    ("Standard_DC4eds_v6", "tdx"), ("Standard_EC4es_v6", "tdx"),
    ("Standard_EC4eds_v6", "tdx"),
    ("Standard_D4as_v6", None), ("Standard_DC4s_v3", None),
])
def test_azure_confidential_vm_sizes(size: str, technology: str | None) -> None:
    assert azure_confidential_vm_technology(size) == technology
