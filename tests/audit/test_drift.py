"""Drift: a stack export against what the live read found. Pure: normalised AWS responses,
no server. One compliant baseline; each test changes one thing in the live cloud."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from custodes.config import build_settings
from custodes.engine import Report, evaluate
from custodes.model import Graph, Resource
from custodes.sources.live import LiveRead, ReadGap, audit_graph
from custodes.sources.live import aws as live_aws
from tests.audit.aws_data import (
    ACCOUNT,
    CUSTOMER_KEY,
    HSM_KEY,
    REGION,
    STORE,
    instance_data,
    key_arn,
    key_metadata,
    key_policy,
    store_data,
    volume_data,
)
from tests.audit.conftest import declared_graph, export, state

WHERE = live_aws.Account(REGION, ACCOUNT)
INSTANCE_ID = "i-0123456789abcdef0"
INSTANCE_URN = "urn:pulumi:prod::confidential::aws:ec2/instance:Instance::payments"
KEY_URN = "urn:pulumi:prod::confidential::aws:kms/key:Key::disk-key"
STORE_URN = "urn:pulumi:prod::confidential::aws:kms/customKeyStore:CustomKeyStore::hsm-store"
POLICY = key_policy()


def stack() -> Graph:
    """What the stack declares: a SEV-SNP instance whose disk key is held in a CloudHSM store."""
    return declared_graph(export(
        state("aws:kms/customKeyStore:CustomKeyStore", "hsm-store", STORE,
              {"customKeyStoreName": "hsm-store", "customKeyStoreType": "AWS_CLOUDHSM",
               "cloudHsmClusterId": "cluster-1a23b4cdefg"}),
        state("aws:kms/key:Key", "disk-key", HSM_KEY,
              {"customKeyStoreId": STORE, "policy": POLICY},
              {"arn": key_arn(HSM_KEY), "keyId": HSM_KEY}),
        state("aws:ec2/instance:Instance", "payments", INSTANCE_ID,
              {"instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
               "rootBlockDevice": {"encrypted": True, "kmsKeyId": key_arn(HSM_KEY)}},
              {"arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{INSTANCE_ID}"}),
    ))


def live(*, root_key: str = key_arn(HSM_KEY), sev_snp: bool = True, policy: str = POLICY,
         store: bool = True, extra: Sequence[Resource] = (),
         gaps: Sequence[ReadGap] = ()) -> LiveRead:
    """What the audit reads; the arguments change one thing each."""
    volumes = {"vol-root": volume_data("vol-root", root_key)}
    resources = [
        live_aws.instance(instance_data(INSTANCE_ID, sev_snp=sev_snp), WHERE, volumes),
        live_aws.kms_key(key_metadata(HSM_KEY, store=STORE), policy),
        live_aws.kms_key(key_metadata(CUSTOMER_KEY), key_policy()),
        *extra,
    ]
    if store:
        resources.append(live_aws.custom_key_store(store_data(), WHERE))
    return LiveRead("aws", (REGION,), resources, list(gaps))


def audit(read: LiveRead, profile: str = "default") -> Report:
    return evaluate(audit_graph([read], stack()), build_settings(profile))


def audit_findings(report: Report) -> list[tuple[str, str, str, str]]:
    return [(f.rule_id, f.urn, f.enforcement, f.message) for f in report.findings
            if f.rule_id.startswith("custodes-audit-")]


def test_a_deployment_that_matches_its_stack_has_no_drift() -> None:
    report = audit(live())
    assert audit_findings(report) == []
    assert report.passed
    # The live resources are judged under the stack's URNs.
    [workload] = report.workloads
    assert workload["urn"] == INSTANCE_URN
    assert [(k["custody"], k["key"]) for k in workload["keys"]] == [("customer-hsm", KEY_URN)]


def test_only_the_stacks_resources_and_what_they_use_are_judged() -> None:
    stranger = live_aws.instance(instance_data("i-0fffffffffffffff0", sev_snp=True), WHERE, {})
    graph = audit_graph([live(extra=[stranger])], stack())
    urns = {resource.urn for resource in graph}
    assert {INSTANCE_URN, KEY_URN, STORE_URN} <= urns
    assert stranger.urn not in urns
    # The software key exists live but nothing of the stack uses it.
    assert not any(CUSTOMER_KEY in urn for urn in urns)


def test_a_disk_rekeyed_in_the_console_is_custody_drift() -> None:
    report = audit(live(root_key=key_arn(CUSTOMER_KEY)))
    assert audit_findings(report) == [(
        "custodes-audit-custody-drift", INSTANCE_URN, "mandatory",
        "rootBlockDevice.kmsKeyId: key drifted — declared key disk-key (customer-hsm), live "
        f"key {CUSTOMER_KEY} (customer-kms)",
    )]
    assert not report.passed


def test_an_instance_recreated_without_sev_snp_has_lost_its_confidential_setting() -> None:
    report = audit(live(sev_snp=False))
    assert audit_findings(report) == [(
        "custodes-audit-custody-drift", INSTANCE_URN, "mandatory",
        "workload: confidential setting drifted — declared sev-snp, live not confidential",
    )]


def test_an_edited_key_policy_is_drift() -> None:
    edited = key_policy({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
                         "Resource": "*"})
    assert audit_findings(audit(live(policy=edited))) == [(
        "custodes-audit-custody-drift", KEY_URN, "mandatory",
        "policy: document drifted — declared the stack's version, live a different version",
    )]


def test_a_reformatted_but_equal_key_policy_is_not_drift() -> None:
    import json

    reformatted = json.dumps(json.loads(POLICY), indent=4, sort_keys=True)
    assert audit_findings(audit(live(policy=reformatted))) == []


def test_a_key_store_gone_from_the_cloud_is_missing() -> None:
    report = audit(live(store=False))
    assert ("custodes-audit-resource-missing", STORE_URN, "mandatory",
            f"declared with id {STORE}, not found in the live cloud") in audit_findings(report)


def test_a_resource_behind_a_read_gap_cannot_be_told_missing() -> None:
    gap = ReadGap("aws", REGION, "kms:DescribeCustomKeyStores", "AccessDeniedException",
                  ("aws:kms/customKeyStore:CustomKeyStore",), (STORE,))
    report = audit(live(store=False, gaps=[gap]))
    found = audit_findings(report)
    assert ("custodes-audit-resource-missing", STORE_URN, "advisory",
            f"unresolved: whether id {STORE} still exists cannot be told: a read of this "
            "type failed") in found
    assert ("custodes-audit-partial-read", f"urn:pulumi:live::aws::custodes:audit:ReadGap::"
            f"{REGION}/kms:DescribeCustomKeyStores/AccessDeniedException", "mandatory",
            f"kms:DescribeCustomKeyStores in {REGION} failed (AccessDeniedException) for 1 "
            "resource(s): aws:kms/customKeyStore:CustomKeyStore there were not judged; this "
            "audit is partial") in found
    assert not report.passed


@pytest.mark.parametrize("profile", ["default", "strict"])
def test_a_partial_read_is_never_a_clean_bill(profile: str) -> None:
    gap = ReadGap("aws", REGION, "ec2:DescribeInstances", "UnauthorizedOperation",
                  ("aws:ec2/instance:Instance",))
    report = audit(live(gaps=[gap]), profile)
    assert "custodes-audit-partial-read" in [f.rule_id for f in report.findings if f.blocking]
    assert not report.passed
    # The same deployment read in full passes the default profile.
    assert audit(live()).passed


def test_without_a_stack_every_live_resource_is_judged_under_its_live_urn() -> None:
    graph = audit_graph([live()])
    types: dict[str, Any] = {r.type: r.urn for r in graph}
    assert types["aws:ec2/instance:Instance"].startswith("urn:pulumi:live::aws::")
    assert not graph.of_type("custodes:audit:Drift")


def test_a_declared_resource_in_a_region_not_read_is_not_called_missing() -> None:
    elsewhere = "abababab-abab-abab-abab-abababababab"
    declared = declared_graph(export(
        state("aws:kms/key:Key", "eu-key", elsewhere, {},
              {"arn": key_arn(elsewhere, "eu-west-1")}),
        state("aws:kms/key:Key", "lost-key", CUSTOMER_KEY.replace("1", "9"), {},
              {"arn": key_arn(CUSTOMER_KEY.replace("1", "9"))}),
    ))
    missing = [node.props["declaredName"] for node in audit_graph([live()], declared)
               if node.type == "custodes:audit:Drift"]
    assert missing == ["lost-key"]


def test_a_gap_in_what_the_stack_does_not_use_does_not_make_its_audit_partial() -> None:
    templates = ReadGap("aws", REGION, "ec2:GetEbsDefaultKmsKeyId", "AccessDenied",
                        ("aws:ec2/launchTemplate:LaunchTemplate",))
    volumes = ReadGap("aws", REGION, "ec2:DescribeVolumes", "UnauthorizedOperation",
                      ("aws:ebs/volume:Volume", "aws:ec2/instance:Instance"))
    assert audit(live(gaps=[templates])).passed
    report = audit(live(gaps=[templates, volumes]))
    assert [f.message.split(" ")[0] for f in report.findings
            if f.rule_id == "custodes-audit-partial-read"] == ["ec2:DescribeVolumes"]


def test_gcp_a_boot_disk_moved_to_a_software_key_is_drift() -> None:
    from custodes.sources.live import gcp as live_gcp
    from tests.audit.test_gcp_live import (
        DISK_LINK,
        INSTANCE_LINK,
        KEY,
        disk_message,
        instance_message,
        key_message,
        kms_v1,
        message_json,
    )

    software = KEY.replace("/disk", "/soft")
    instance_id = INSTANCE_LINK.split("/v1/")[1]
    declared = declared_graph(export(
        state("gcp:kms/cryptoKey:CryptoKey", "disk-key", KEY,
              {"name": "disk", "keyRing": KEY.rsplit("/cryptoKeys/", 1)[0],
               "versionTemplate": {"protectionLevel": "HSM"}}),
        state("gcp:compute/instance:Instance", "cvm", instance_id,
              {"machineType": "n2d-standard-4", "minCpuPlatform": "AMD Milan",
               "confidentialInstanceConfig": {"confidentialInstanceType": "SEV_SNP"},
               "scheduling": {"onHostMaintenance": "TERMINATE"},
               "bootDisk": {"kmsKeySelfLink": KEY}}, {"selfLink": INSTANCE_LINK}),
    ))
    soft_key = message_json(key_message(kms_v1.ProtectionLevel.SOFTWARE))
    soft_key["name"] = software
    disk = message_json(disk_message(f"{software}/cryptoKeyVersions/1"))
    live_read = LiveRead("gcp", ("audit-project",), [
        live_gcp.instance(message_json(instance_message(f"{software}/cryptoKeyVersions/1")),
                          {live_gcp.normalise_identifier(DISK_LINK): disk}),
        live_gcp.disk(disk),
        live_gcp.crypto_key(message_json(key_message())),
        live_gcp.crypto_key(soft_key),
    ])
    report = evaluate(audit_graph([live_read], declared))
    assert [(f.rule_id, f.name, f.message) for f in report.findings
            if f.rule_id.startswith("custodes-audit-")] == [
        ("custodes-audit-custody-drift", "cvm",
         "bootDisk.kmsKeySelfLink: key drifted — declared key disk-key (customer-hsm), live key "
         "soft (customer-kms)")]


def test_azure_a_disk_encryption_set_switched_to_at_rest_encryption_is_drift() -> None:
    from custodes.sources.live import azure as live_azure
    from tests.audit.test_azure_live import DES_ID, des_json, key_json, vault_json, vm_json

    declared = declared_graph(export(
        state("azure-native:compute:DiskEncryptionSet", "cvm-des", DES_ID,
              {"encryptionType": "ConfidentialVmEncryptedWithCustomerKey"}),
    ))
    changed = des_json()
    changed["properties"]["encryptionType"] = "EncryptionAtRestWithCustomerKey"
    live_read = LiveRead("azure", ("00000000-0000-0000-0000-000000000001",), [
        live_azure.virtual_machine(vm_json()), live_azure.disk_encryption_set(changed),
        live_azure.vault(vault_json()), live_azure.key(key_json())])
    report = evaluate(audit_graph([live_read], declared))
    assert [(f.rule_id, f.name, f.message) for f in report.findings
            if f.rule_id.startswith("custodes-audit-")] == [
        ("custodes-audit-custody-drift", "cvm-des",
         "encryptionType: setting drifted — declared ConfidentialVmEncryptedWithCustomerKey, "
         "live EncryptionAtRestWithCustomerKey")]
