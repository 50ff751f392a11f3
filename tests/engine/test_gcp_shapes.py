"""GCP shapes: every type that hosts a Confidential VM is a workload with judged keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from custodes.catalog import gcp_confidential_supported
from custodes.config import build_settings
from custodes.custody import analyse
from custodes.custody import gcp as facts
from custodes.custody.responsibility import matrix
from custodes.engine import evaluate
from custodes.model import UNKNOWN, Resource
from tests.conftest import graph, resource

KEY_ID = "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k"
SEV_SNP = {"confidentialInstanceType": "SEV_SNP"}


def hsm_key() -> Resource:
    return resource(facts.CRYPTO_KEY, "k", {"versionTemplate": {"protectionLevel": "HSM"}},
                    id=KEY_ID)


def findings(*resources: Resource, profile: str = "default") -> list[tuple[str, str, bool]]:
    report = evaluate(graph(*resources), build_settings(profile))
    return sorted((f.rule_id, f.name, f.unresolved) for f in report.findings)


def custody(*resources: Resource) -> dict[str, list[str]]:
    """Key labels of each workload, by resource name."""
    return {w.resource.name: [k.label for k in w.keys] for w in analyse(graph(*resources))}


# Each new type: a confidential declaration on Google-managed keys, and the same on the
# customer's HSM key.
CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "region-template": (facts.REGION_INSTANCE_TEMPLATE, {
        "machineType": "n2d-standard-4", "minCpuPlatform": "AMD Milan",
        "confidentialInstanceConfig": SEV_SNP, "scheduling": {"onHostMaintenance": "TERMINATE"},
        "disks": [{"boot": True, "sourceImage": "ubuntu-os-cloud/ubuntu-2404-lts"}],
    }, {"disks": [{"boot": True, "sourceImage": "ubuntu-os-cloud/ubuntu-2404-lts",
                   "diskEncryptionKey": {"kmsKeySelfLink": KEY_ID}}]}),
    "from-template": (facts.INSTANCE_FROM_TEMPLATE, {
        "sourceInstanceTemplate": "projects/p/global/instanceTemplates/t",
        "machineType": "c3-standard-4", "confidentialInstanceConfig": {
            "confidentialInstanceType": "TDX"},
        "scheduling": {"onHostMaintenance": "TERMINATE"},
        "bootDisk": {"initializeParams": {"image": "ubuntu-os-cloud/ubuntu-2404-lts"}},
        "attachedDisks": [],
    }, {"bootDisk": {"kmsKeySelfLink": KEY_ID}}),
    "from-machine-image": (facts.INSTANCE_FROM_MACHINE_IMAGE, {
        "sourceMachineImage": "projects/p/global/machineImages/m", "machineType":
        "n2d-standard-4", "confidentialInstanceConfig": {"enableConfidentialCompute": True},
        "scheduling": {"onHostMaintenance": "TERMINATE"},
    }, {"instanceEncryptionKey": {"kmsKeySelfLink": KEY_ID}}),
    "node-pool": (facts.NODE_POOL, {
        "cluster": "projects/p/locations/l/clusters/elsewhere",
        "nodeConfig": {"machineType": "n2d-standard-4", "confidentialNodes": {
            "enabled": True, "confidentialInstanceType": "SEV_SNP"}},
    }, {"nodeConfig": {"machineType": "n2d-standard-4", "bootDiskKmsKey": KEY_ID,
                       "confidentialNodes": {"enabled": True}}}),
    # RestoreWorkload's keys are kmsKeyName (…InstanceEncryptionKeyArgs, …DiskEncryptionKeyArgs).
    "restore": (facts.RESTORE_WORKLOAD, {"computeInstanceRestoreProperties": {
        "name": "vm", "machineType": "n2d-standard-4",
        "confidentialInstanceConfig": {"enableConfidentialCompute": True},
        "scheduling": {"onHostMaintenance": "TERMINATE"},
        "disks": [{"boot": True, "source": "projects/p/zones/z/disks/restored"}],
    }}, {"computeInstanceRestoreProperties": {
        "name": "vm", "machineType": "n2d-standard-4",
        "confidentialInstanceConfig": {"enableConfidentialCompute": True},
        "scheduling": {"onHostMaintenance": "TERMINATE"},
        "disks": [{"boot": True, "diskEncryptionKey": {"kmsKeyName": KEY_ID}}],
        "instanceEncryptionKey": {"kmsKeyName": KEY_ID},
    }}),
    "dataproc": (facts.DATAPROC_CLUSTER, {"clusterConfig": {
        "gceClusterConfig": {"confidentialInstanceConfig": {"enableConfidentialCompute": True}},
        "masterConfig": {"machineType": "n2d-standard-4"},
    }}, {"clusterConfig": {
        "gceClusterConfig": {"confidentialInstanceConfig": {"enableConfidentialCompute": True}},
        "masterConfig": {"machineType": "n2d-standard-4"},
        "encryptionConfig": {"kmsKeyName": KEY_ID},
    }}),
    "workbench": (facts.WORKBENCH_INSTANCE, {"gceSetup": {
        "machineType": "n2d-standard-4", "confidentialInstanceConfig": {
            "confidentialInstanceType": "SEV"},
        "bootDisk": {"diskEncryption": "GMEK"},
    }}, {"gceSetup": {
        "machineType": "n2d-standard-4", "confidentialInstanceConfig": {
            "confidentialInstanceType": "SEV"},
        "bootDisk": {"diskEncryption": "CMEK", "kmsKey": KEY_ID},
        "dataDisks": {"diskEncryption": "CMEK", "kmsKey": KEY_ID},
    }}),
    "workstation": (facts.WORKSTATION_CONFIG, {"host": {"gceInstance": {
        "machineType": "n2d-standard-4",
        "confidentialInstanceConfig": {"enableConfidentialCompute": True}}}},
        {"encryptionKey": {"kmsKey": KEY_ID}}),
}


def _declare(case: str, compliant: bool) -> Resource:
    token, props, fix = CASES[case]
    merged = {**props, **fix} if compliant else props
    return resource(token, case, merged)


@pytest.mark.parametrize("case", sorted(CASES))
def test_google_managed_keys_are_flagged(case: str) -> None:
    workload = _declare(case, compliant=False)
    labels = custody(workload)[case]
    assert "provider" in labels or "unresolved" in labels, labels
    rule = ("gcp-gke-confidential-nodes-require-customer-key"
            if workload.type == facts.NODE_POOL
            else "gcp-compute-confidential-require-customer-key")
    assert any(rule_id == rule and name == case
               for rule_id, name, _ in findings(workload, profile="strict"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_same_on_an_hsm_key_is_clean(case: str) -> None:
    workload = _declare(case, compliant=True)
    assert custody(workload, hsm_key())[case] and set(custody(workload, hsm_key())[case]) == {
        "customer-hsm"}
    # No GCP rule finds anything (attestation-bound release is a separate duty).
    assert [f for f in findings(workload, hsm_key(), profile="strict")
            if f[0].startswith("gcp-")] == []


def test_google_keyed_confidential_nodes_fail_the_default_profile() -> None:
    """Like a Confidential VM on a Google-managed key, confidential GKE nodes on one are a
    mandatory finding by default (not only in strict)."""
    rule = "gcp-gke-confidential-nodes-require-customer-key"
    cluster = resource(facts.CLUSTER, "gke", {"confidentialNodes": {"enabled": True},
                                              "nodeConfig": {"machineType": "n2d-standard-4"}})
    report = evaluate(graph(cluster), build_settings("default"))
    assert [(f.name, f.enforcement, f.unresolved) for f in report.findings
            if f.rule_id == rule] == [("gke", "mandatory", False)]


def test_a_confidential_node_pool_is_a_workload_in_the_matrix() -> None:
    cluster = resource(facts.CLUSTER, "gke", {"name": "gke", "confidentialNodes": {
        "enabled": True}, "removeDefaultNodePool": True})
    pool = resource(facts.NODE_POOL, "pool", {"cluster": "gke", "nodeConfig": {
        "machineType": "n2d-standard-4"}})
    analysis = analyse(graph(cluster, pool))
    by_name = {w.resource.name: w for w in analysis}
    assert by_name["pool"].technologies == ("sev",)
    assert [k.label for k in by_name["pool"].keys] == ["provider"]
    # The cluster removes its default pool: its own nodes have no disks to judge.
    assert by_name["gke"].keys == ()
    rows = {row["duty"]: row for row in matrix(analysis)}
    assert by_name["pool"].resource.urn in rows["key-custody"]["provider"]


@pytest.mark.parametrize("value", ["ARM_CCA", UNKNOWN])
def test_an_unknown_confidential_type_is_unresolved(value: Any) -> None:
    vm = resource(facts.INSTANCE, "vm", {
        "machineType": "n2d-standard-4",
        "confidentialInstanceConfig": {"confidentialInstanceType": value},
        "bootDisk": {"kmsKeySelfLink": KEY_ID}})
    (workload,) = analyse(graph(vm, hsm_key())).workloads
    assert workload.technologies == ("unknown",)
    assert facts.is_confidential(vm) is None
    found = findings(vm, hsm_key(), profile="strict")
    assert ("gcp-compute-confidential-require-supported-machine", "vm", True) in found
    assert ("gcp-compute-confidential-require-customer-key", "vm", True) in found


def test_a_technology_turned_on_twice_is_one() -> None:
    vm = resource(facts.INSTANCE, "vm", {"confidentialInstanceConfig": {
        "confidentialInstanceType": "SEV_SNP", "enableConfidentialCompute": True}})
    (workload,) = analyse(graph(vm)).workloads
    assert workload.technologies == ("sev-snp",)
    off = resource(facts.INSTANCE, "off", {"confidentialInstanceConfig": {
        "confidentialInstanceType": "CONFIDENTIAL_INSTANCE_TYPE_UNSPECIFIED",
        "enableConfidentialCompute": False}})
    assert analyse(graph(off)).workloads == ()


def test_an_instance_from_a_template_of_the_stack_takes_its_settings() -> None:
    template = resource(facts.REGION_INSTANCE_TEMPLATE, "t", {
        "machineType": "e2-standard-4", "confidentialInstanceConfig": {
            "confidentialInstanceType": "TDX"},
        "disks": [{"boot": True, "diskEncryptionKey": {"kmsKeySelfLink": KEY_ID}},
                  {"boot": False}],
    }, id="projects/p/regions/r/instanceTemplates/t")
    vm = resource(facts.INSTANCE_FROM_TEMPLATE, "vm", {
        "sourceInstanceTemplate": "projects/p/regions/r/instanceTemplates/t"})
    (_, workload) = sorted(analyse(graph(template, vm, hsm_key())),
                           key=lambda w: w.resource.name)
    assert workload.resource.name == "vm" and workload.technologies == ("tdx",)
    assert [k.label for k in workload.keys] == ["customer-hsm", "provider"]
    found = findings(template, vm, hsm_key())
    # The template's machine type and maintenance policy are the instance's too.
    assert ("gcp-compute-confidential-require-supported-machine", "vm", False) in found
    assert ("gcp-compute-confidential-require-terminate-maintenance", "vm", False) in found


def test_an_instance_from_an_outside_template_is_unresolved() -> None:
    vm = resource(facts.INSTANCE_FROM_TEMPLATE, "vm", {"sourceInstanceTemplate": UNKNOWN})
    (workload,) = analyse(graph(vm)).workloads
    assert workload.technologies == ("unknown",)
    assert [k.label for k in workload.keys] == ["unresolved"]


def test_a_raw_key_on_a_restored_confidential_instance_is_flagged() -> None:
    restore = resource(facts.RESTORE_WORKLOAD, "restore", {"computeInstanceRestoreProperties": {
        "name": "vm", "machineType": "n2d-standard-4",
        "confidentialInstanceConfig": {"enableConfidentialCompute": True},
        "disks": [{"diskEncryptionKey": {"rawKey": "c2VjcmV0"}}]}})
    assert ("gcp-compute-confidential-disallow-raw-disk-key", "restore", False) in findings(
        restore)


def test_every_gcp_type_with_a_confidential_input_is_modelled_or_out_of_scope() -> None:
    """The lead's SDK walk (/tmp/coverage/gcp.txt, when present) against the module."""
    listing = Path("/tmp/coverage/gcp.txt")
    tokens = {"gcp:backupdisasterrecovery/restoreWorkload:RestoreWorkload",
              "gcp:compute/disk:Disk", "gcp:sql/databaseInstance:DatabaseInstance",
              "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool",
              "gcp:dataproc/cluster:Cluster", "gcp:workbench/instance:Instance",
              "gcp:workstations/workstationConfig:WorkstationConfig",
              *(t for t in facts.WORKLOAD_TYPES)}
    if listing.is_file():
        tokens |= {line.split()[0] for line in listing.read_text().splitlines() if line.strip()}
    missing = sorted(t for t in tokens
                     if t not in facts.MODELLED_TYPES and t not in facts.OUT_OF_SCOPE)
    assert not missing
    assert all(len(reason) > 30 for reason in facts.OUT_OF_SCOPE.values())


@pytest.mark.parametrize(("machine", "technology", "offered"), [
    ("n2d-standard-4", "sev", True), ("n2d-standard-4", "sev-snp", True),
    ("c2d-standard-4", "sev", True), ("c3d-standard-4", "sev", True),
    ("c4d-standard-4", "sev", True), ("c3-standard-4", "tdx", True),
    ("a3-highgpu-1g", "tdx", True), ("a3-highgpu-8g", "tdx", False),
    ("c4-standard-4", "tdx", False), ("c4-standard-4", "sev", False),
    ("c3-standard-4", "sev", False), ("c2d-standard-4", "sev-snp", False),
])
def test_the_catalogue_knows_each_series(machine: str, technology: str, offered: bool) -> None:
    assert gcp_confidential_supported(machine, technology) is offered


# --- GKE node configurations: machine types, inline pools, confidential storage -----------

MACHINE_RULE = "gcp-compute-confidential-require-supported-machine"
GKE_RULE = "gcp-gke-confidential-nodes-require-customer-key"


def _rule(rule: str, *resources: Resource) -> list[tuple[str, bool, str]]:
    report = evaluate(graph(*resources), build_settings("strict"))
    return sorted((f.name, f.unresolved, f.message) for f in report.findings
                  if f.rule_id == rule)


@pytest.mark.parametrize(("node_config", "verdict"), [
    ({"machineType": "n2d-standard-4"}, None),
    ({"machineType": "e2-standard-4"}, "e2-standard-4 does not offer SEV"),
    ({}, "GKE's default e2-medium does not offer SEV"),
    ({"machineType": UNKNOWN}, "unknown"),
], ids=["n2d", "e2", "default", "unknown"])
def test_confidential_gke_nodes_run_a_confidential_machine_type(
        node_config: dict[str, Any], verdict: str | None) -> None:
    cluster = resource(facts.CLUSTER, "gke", {"confidentialNodes": {"enabled": True},
                                              "nodeConfig": node_config})
    found = _rule(MACHINE_RULE, cluster)
    if verdict is None:
        assert found == []
    else:
        assert len(found) == 1 and verdict in found[0][2]
        assert found[0][1] == (verdict == "unknown")


def test_a_pool_of_a_confidential_cluster_is_checked_with_the_cluster_technology() -> None:
    cluster = resource(facts.CLUSTER, "gke", {
        "name": "gke", "removeDefaultNodePool": True,
        "confidentialNodes": {"enabled": True, "confidentialInstanceType": "TDX"}})
    pool = resource(facts.NODE_POOL, "pool", {"cluster": "gke", "nodeConfig": {
        "machineType": "n2d-standard-4"}})
    assert [(name, message) for name, _, message in _rule(MACHINE_RULE, cluster, pool)] == [
        ("pool", "nodeConfig.machineType: n2d-standard-4 does not offer TDX")]
    web = resource(facts.CLUSTER, "web", {"name": "web", "removeDefaultNodePool": True})
    plain = resource(facts.NODE_POOL, "plain", {"cluster": "web", "nodeConfig": {
        "machineType": "e2-medium"}})
    assert _rule(MACHINE_RULE, web, plain) == []
    # A pool whose cluster is outside the stack may be confidential: unresolved, not clean.
    elsewhere = resource(facts.NODE_POOL, "elsewhere", {"cluster": "other", "nodeConfig": {
        "machineType": "e2-medium"}})
    assert [(name, unresolved) for name, unresolved, _ in _rule(MACHINE_RULE, elsewhere)] == [
        ("elsewhere", True)]


def test_only_the_confidential_inline_pools_are_judged_and_no_default_pool_is_invented() -> None:
    cluster = resource(facts.CLUSTER, "gke", {"nodePools": [
        {"name": "web", "nodeConfig": {"machineType": "e2-standard-4"}},
        {"name": "ledger", "nodeConfig": {"machineType": "e2-standard-4",
                                          "confidentialNodes": {"enabled": True}}},
    ]})
    (workload,) = analyse(graph(cluster)).workloads
    assert [(k.path, k.label) for k in workload.keys] == [
        ("nodePools[1].nodeConfig.bootDiskKmsKey", "provider")]
    assert [message for _, _, message in _rule(MACHINE_RULE, cluster)] == [
        "nodePools[1].nodeConfig.machineType: e2-standard-4 does not offer SEV"]


@pytest.mark.parametrize("token", [facts.CLUSTER, facts.NODE_POOL])
def test_confidential_storage_on_gke_nodes_is_a_workload_whose_boot_key_is_judged(
        token: str) -> None:
    props: dict[str, Any] = {"nodeConfig": {"machineType": "c3-standard-4",
                                            "enableConfidentialStorage": True}}
    unkeyed = resource(token, "nodes", props)
    (workload,) = analyse(graph(unkeyed)).workloads
    assert workload.technologies == (facts.CONFIDENTIAL_STORAGE,)
    assert [(k.path, k.label) for k in workload.keys] == [
        ("nodeConfig.bootDiskKmsKey", "provider")]
    assert [name for name, unresolved, _ in _rule(GKE_RULE, unkeyed) if not unresolved] == [
        "nodes"]
    assert _rule(MACHINE_RULE, unkeyed) == []  # no Confidential VM to size
    keyed = resource(token, "nodes", {"nodeConfig": {**props["nodeConfig"],
                                                     "bootDiskKmsKey": KEY_ID}})
    assert custody(keyed, hsm_key()) == {"nodes": ["customer-hsm"]}
    assert _rule(GKE_RULE, keyed, hsm_key()) == []


def test_a_disk_in_confidential_mode_is_a_volume_whose_key_is_judged() -> None:
    rule = "gcp-compute-confidential-require-customer-key"
    unkeyed = resource(facts.DISK, "ledger-data", {"type": "hyperdisk-balanced",
                                                   "enableConfidentialCompute": True})
    (workload,) = analyse(graph(unkeyed)).workloads
    assert (workload.technologies, workload.founders) == ((facts.CONFIDENTIAL_STORAGE,),
                                                          ("AMD",))
    assert [(k.path, k.label) for k in workload.keys] == [
        ("diskEncryptionKey.kmsKeySelfLink", "provider")]
    assert [(name, unresolved) for name, unresolved, _ in _rule(rule, unkeyed)] == [
        ("ledger-data", False)]
    keyed = resource(facts.DISK, "ledger-data", {
        "type": "hyperdisk-balanced", "enableConfidentialCompute": True,
        "diskEncryptionKey": {"kmsKeySelfLink": KEY_ID}})
    assert custody(keyed, hsm_key()) == {"ledger-data": ["customer-hsm"]}
    assert _rule(rule, keyed, hsm_key()) == []
    assert analyse(graph(resource(facts.DISK, "plain", {"type": "pd-balanced"}))).workloads == ()
    # A disk is no compute resource: the classification rule never asks it to be a TEE.
    labelled = resource(facts.DISK, "tagged", {"labels": {"data-classification": "restricted"}})
    assert _rule("custodes-data-classification-require-confidential", labelled) == []


def test_a_confidential_mode_boot_disk_makes_a_volume_of_an_ordinary_instance() -> None:
    """Only the Confidential-mode boot disk is the volume; the VM is not a Confidential VM
    (no machine-type or maintenance rule), its other disks are not judged."""
    boot = {"initializeParams": {"type": "hyperdisk-balanced",
                                 "enableConfidentialCompute": True}}
    vm = resource(facts.INSTANCE, "vm", {
        "machineType": "c3-standard-4", "bootDisk": boot,
        "attachedDisks": [{"source": "projects/p/zones/z/disks/scratch"}]})
    (workload,) = analyse(graph(vm)).workloads
    assert workload.technologies == (facts.CONFIDENTIAL_STORAGE,)
    assert [(k.path, k.label) for k in workload.keys] == [
        ("bootDisk.kmsKeySelfLink", "provider")]
    found = findings(vm, profile="strict")
    assert [(rule, unresolved) for rule, _, unresolved in found if rule.startswith("gcp-")] == [
        ("gcp-compute-confidential-require-customer-key", False)]
    keyed = resource(facts.INSTANCE, "vm", {"machineType": "c3-standard-4",
                                           "bootDisk": {**boot, "kmsKeySelfLink": KEY_ID}})
    assert custody(keyed, hsm_key()) == {"vm": ["customer-hsm"]}
    # Confidential VM and confidential storage together: both technologies, every disk.
    both = resource(facts.INSTANCE, "vm", {**vm.props, "machineType": "n2d-standard-4",
                                          "confidentialInstanceConfig": {
                                              "enableConfidentialCompute": True}})
    (workload,) = analyse(graph(both)).workloads
    assert workload.technologies == ("sev", facts.CONFIDENTIAL_STORAGE)
    assert len(workload.keys) == 2
