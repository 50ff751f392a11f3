"""The resource graph: identifiers, references, unknowns, malformed edges."""

from __future__ import annotations

import pytest

from custodes.errors import InputError
from custodes.model import UNKNOWN, Graph, Secret, UnknownValueError, normalise_identifier
from tests.conftest import graph, resource, urn

KEY = "aws:kms/key:Key"
INSTANCE = "aws:ec2/instance:Instance"
ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_a_key_is_found_by_arn_key_id_and_urn() -> None:
    key = resource(KEY, "disk", outputs={"arn": ARN, "keyId": ARN.rsplit("/", 1)[1]},
                   id=ARN.rsplit("/", 1)[1])
    stack = graph(key)
    assert stack.find(ARN) == [key]
    assert stack.find(ARN.rsplit("/", 1)[1]) == [key]
    assert stack.find(key.urn) == [key]
    assert stack.find(ARN, types=[INSTANCE]) == []


def test_gcp_self_links_and_key_versions_name_the_same_key() -> None:
    key_id = "projects/p/locations/global/keyRings/r/cryptoKeys/k"
    key = resource("gcp:kms/cryptoKey:CryptoKey", "k", id=key_id)
    stack = graph(key)
    assert stack.find(f"https://cloudkms.googleapis.com/v1/{key_id}") == [key]
    assert stack.find(f"{key_id}/cryptoKeyVersions/3") == [key]


def test_azure_ids_are_case_insensitive_and_key_urls_lose_their_version() -> None:
    key = resource("azure-native:keyvault:Key", "k",
                   outputs={"keyUri": "https://vault.vault.azure.net/keys/disk"})
    des = resource("azure-native:compute:DiskEncryptionSet", "des",
                   id="/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/"
                      "diskEncryptionSets/des")
    stack = graph(key, des)
    assert stack.find("https://VAULT.vault.azure.net/keys/disk/0123abcd") == [key]
    assert stack.find("/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/"
                      "diskencryptionsets/DES") == [des]
    assert normalise_identifier("https://v.vault.azure.net/keys/k/") == \
        "https://v.vault.azure.net/keys/k"


def test_an_unknown_value_is_pinned_through_property_dependencies() -> None:
    key = resource(KEY, "disk")
    other = resource(KEY, "other")
    instance = resource(
        INSTANCE, "vm", {"rootBlockDevice": {"kmsKeyId": UNKNOWN}},
        property_dependencies={"rootBlockDevice": (key.urn,), "tags": (other.urn,)},
    )
    reference = graph(key, other, instance).reference(
        instance, "rootBlockDevice.kmsKeyId", UNKNOWN, [KEY])
    assert reference.state == "resolved"
    assert reference.target is key


def test_without_property_dependencies_the_dependencies_are_used() -> None:
    key = resource(KEY, "disk")
    instance = resource(INSTANCE, "vm", dependencies=(key.urn,))
    reference = graph(key, instance).reference(instance, "rootBlockDevice.kmsKeyId", UNKNOWN,
                                               [KEY])
    assert reference.target is key


def test_an_unknown_value_nothing_accounts_for_stays_unknown() -> None:
    instance = resource(INSTANCE, "vm", property_dependencies={"rootBlockDevice": ()})
    reference = graph(instance).reference(instance, "rootBlockDevice.kmsKeyId", UNKNOWN, [KEY])
    assert reference.state == "unknown"
    assert reference.target is None


def test_absent_and_external_references() -> None:
    instance = resource(INSTANCE, "vm")
    stack = graph(instance)
    assert stack.reference(instance, "x", None, [KEY]).state == "absent"
    assert stack.reference(instance, "x", "", [KEY]).state == "absent"
    external = stack.reference(instance, "x", ARN, [KEY])
    assert (external.state, external.value) == ("external", ARN)
    # Something that is not an identifier at all is not followed.
    assert stack.reference(instance, "x", {"nested": 1}, [KEY]).state == "external"


def test_a_secret_identifier_is_followed_without_being_exposed() -> None:
    key = resource(KEY, "disk", outputs={"arn": ARN})
    instance = resource(INSTANCE, "vm")
    stack = graph(key, instance)
    assert stack.reference(instance, "x", Secret(ARN), [KEY]).target is key
    assert stack.reference(instance, "x", Secret(), [KEY]).state == "unknown"
    assert ARN not in repr(Secret(ARN)) and ARN not in str(Secret(ARN))


def test_two_resources_with_one_urn_are_an_input_error() -> None:
    with pytest.raises(InputError, match="duplicate resource URN"):
        Graph([resource(KEY, "a"), resource(KEY, "a")])


def test_ancestors_stop_at_cycles_and_dangling_parents() -> None:
    a = resource(INSTANCE, "a", parent=urn(INSTANCE, "b"))
    b = resource(INSTANCE, "b", parent=urn(INSTANCE, "a"))
    orphan = resource(INSTANCE, "c", parent="urn:pulumi:test::proj::x::missing")
    stack = graph(a, b, orphan)
    assert [r.name for r in stack.ancestors(a)] == ["b"]
    assert list(stack.ancestors(orphan)) == []
    assert [r.name for r in stack.children(urn(INSTANCE, "a"))] == ["b"]


def test_paths_through_lists_and_unknowns() -> None:
    instance = resource(INSTANCE, "vm", {
        "ebsBlockDevices": [{"kmsKeyId": "a"}, {"kmsKeyId": UNKNOWN}, "not-a-device"],
        "cpuOptions": UNKNOWN,
        "rootBlockDevice": "not-an-object",
    })
    assert list(instance.values("ebsBlockDevices[].kmsKeyId")) == [
        ("ebsBlockDevices[0].kmsKeyId", "a"),
        ("ebsBlockDevices[1].kmsKeyId", UNKNOWN),
        ("ebsBlockDevices[2].kmsKeyId", None),
    ]
    assert instance.get("cpuOptions.amdSevSnp") is UNKNOWN
    assert instance.get("rootBlockDevice.kmsKeyId") is None
    assert list(resource(INSTANCE, "x", {"ebsBlockDevices": UNKNOWN}).values(
        "ebsBlockDevices[].kmsKeyId")) == [("ebsBlockDevices[]", UNKNOWN)]


def test_an_unknown_value_refuses_to_be_read_as_true_or_false() -> None:
    with pytest.raises(UnknownValueError):
        bool(UNKNOWN)


def test_a_field_read_from_inside_a_secret_stays_secret() -> None:
    vm = resource("azure-native:compute:VirtualMachine", "vm", {
        "hardwareProfile": Secret({"vmSize": "Standard_D4s_v5"}),
        "securityProfile": {"securityType": "ConfidentialVM"},
    })
    size = vm.get("hardwareProfile.vmSize")
    assert isinstance(size, Secret)
    assert size == "Standard_D4s_v5", "a rule can still compare it"
    assert "Standard_D4s_v5" not in f"{size} is not a confidential VM size"
    from custodes.engine import evaluate

    report = evaluate(graph(vm))
    assert not any("Standard_D4s_v5" in f.message for f in report.findings)
    assert any(f.rule_id == "azure-compute-cvm-require-confidential-size"
               for f in report.findings)


def test_a_secret_confidential_size_is_judged_by_its_value() -> None:
    from custodes.engine import evaluate

    vm = resource("azure-native:compute:VirtualMachine", "vm", {
        "hardwareProfile": Secret({"vmSize": "Standard_DC4as_v5"}),
        "securityProfile": {"securityType": "ConfidentialVM"},
    })
    assert not any(f.rule_id == "azure-compute-cvm-require-confidential-size"
                   for f in evaluate(graph(vm)).findings)


def test_an_opaque_secret_is_present_and_equal_to_no_plain_value() -> None:
    opaque = Secret()
    assert opaque not in (None, "")
    assert opaque != "anything" and opaque == Secret()
    assert Secret("x") == "x" and Secret("x") != "y"
