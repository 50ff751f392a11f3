"""`Analyze`: the pack judges one resource's inputs as `pulumi preview` sends them."""

from __future__ import annotations

import json
from typing import Any

from custodes.crossguard import pack_rules
from custodes.crossguard.host import ENFORCEMENT_NAMES, PackProcess
from custodes.model import UNKNOWN, Secret
from tests.conftest import resource
from tests.policies.conftest import PACK_DIR, mandatory, verdicts

VM = "azure-native:compute:VirtualMachine"
GCP_INSTANCE = "gcp:compute/instance:Instance"


def cvm(name: str = "app", size: Any = "Standard_DC4as_v5", vtpm: Any = True,
        secure_boot: Any = True) -> Any:
    return resource(VM, name, {
        "vmName": name,
        "hardwareProfile": {"vmSize": size},
        "securityProfile": {
            "securityType": "ConfidentialVM",
            "uefiSettings": {"secureBootEnabled": secure_boot, "vTpmEnabled": vtpm},
        },
    })


def plain_gcp(name: str, labels: dict[str, str]) -> Any:
    return resource(GCP_INSTANCE, name, {
        "machineType": "e2-standard-2",
        "bootDisk": {"initializeParams": {"image": "debian-cloud/debian-12"}},
        "labels": labels,
    })


def test_a_compliant_confidential_vm_passes(pack: PackProcess) -> None:
    assert list(pack.analyze(cvm()).diagnostics) == []


def test_a_confidential_vm_without_vtpm_is_blocked(pack: PackProcess) -> None:
    vm = cvm(vtpm=False)
    response = pack.analyze(vm)
    assert mandatory(response.diagnostics) == {("azure-compute-cvm-require-vtpm", vm.urn)}
    (diagnostic,) = response.diagnostics
    assert diagnostic.policyPackName == "custodes"
    assert "vTPM is not enabled" in diagnostic.message


def test_an_advisory_rule_reports_without_blocking(pack: PackProcess) -> None:
    vm = cvm(secure_boot=False)
    assert verdicts(pack.analyze(vm).diagnostics) == {
        ("advisory", "azure-compute-cvm-require-secure-boot", vm.urn)
    }


def test_a_resource_no_rule_covers_gets_no_diagnostic(pack: PackProcess) -> None:
    bucket = resource("aws:s3/bucket:Bucket", "logs", {"bucket": "logs", "acl": "private"})
    response = pack.analyze(bucket)
    assert list(response.diagnostics) == []
    # Every resource policy says it does not apply (pulumi_policy's not_applicable).
    resource_rules = {rule_id for rule_id, rule in pack_rules().items()
                      if rule.scope == "resource"}
    assert {entry.policy_name for entry in response.not_applicable} == resource_rules


def test_the_policies_of_other_types_are_not_applicable(pack: PackProcess) -> None:
    response = pack.analyze(cvm())
    named = {entry.policy_name for entry in response.not_applicable}
    rules = pack_rules()
    assert named == {rule_id for rule_id, rule in rules.items()
                     if rule.scope == "resource" and VM not in rule.types}
    assert "azure-compute-cvm-require-vtpm" not in named
    assert all(entry.reason.startswith("judges ") for entry in response.not_applicable)


def test_an_unknown_value_is_unresolved_and_advisory_not_compliant(pack: PackProcess) -> None:
    vm = cvm(size=UNKNOWN)
    (diagnostic,) = pack.analyze(vm).diagnostics
    assert diagnostic.policyName == "azure-compute-cvm-require-confidential-size"
    assert ENFORCEMENT_NAMES[diagnostic.enforcementLevel] == "advisory"
    assert "unresolved: the VM size is unknown" in diagnostic.message
    assert "can't run" not in diagnostic.message


def test_a_secret_value_is_never_printed(pack: PackProcess) -> None:
    vm = cvm(size=Secret("Standard_D4s_v5"))
    (diagnostic,) = pack.analyze(vm).diagnostics
    assert diagnostic.policyName == "azure-compute-cvm-require-confidential-size"
    assert ENFORCEMENT_NAMES[diagnostic.enforcementLevel] == "mandatory"
    assert "Standard_D4s_v5" not in diagnostic.message
    assert "[secret]" in diagnostic.message


def test_configure_disables_and_softens_policies(configured: Any) -> None:
    vm = cvm(vtpm=False, secure_boot=False)
    pack = configured({"azure-compute-cvm-require-vtpm": "disabled",
                       "azure-compute-cvm-require-secure-boot": "mandatory"})
    assert verdicts(pack.analyze(vm).diagnostics) == {
        ("mandatory", "azure-compute-cvm-require-secure-boot", vm.urn)
    }
    pack = configured({"all": "advisory"})
    assert verdicts(pack.analyze(vm).diagnostics) == {
        ("advisory", "azure-compute-cvm-require-secure-boot", vm.urn),
        ("advisory", "azure-compute-cvm-require-vtpm", vm.urn),
    }


def test_configure_passes_rule_settings(configured: Any) -> None:
    labelled = plain_gcp("reports", {"sensitivity": "restricted"})
    pack = configured({})
    assert mandatory(pack.analyze(labelled).diagnostics) == set()
    pack = configured({"custodes-data-classification-require-confidential":
                       {"tagKey": "sensitivity"}})
    assert mandatory(pack.analyze(labelled).diagnostics) == {
        ("custodes-data-classification-require-confidential", labelled.urn)
    }


def test_the_strict_profile_file_blocks_advisory_rules(configured: Any) -> None:
    vm = cvm(secure_boot=False)
    pack = configured(json.loads((PACK_DIR / "strict.json").read_text()))
    assert mandatory(pack.analyze(vm).diagnostics) == {
        ("azure-compute-cvm-require-secure-boot", vm.urn)
    }
