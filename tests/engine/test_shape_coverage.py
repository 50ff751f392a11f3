"""A new provider release that adds a confidential type turns this red, not a user's gate green.

:mod:`tests.engine.sdk_switches` lists every resource type of the installed provider
SDKs from whose inputs a confidential-computing switch can be reached. Each must be
modelled by a cloud module (``MODELLED_TYPES``) or named, with the reason, in the
cloud's ``OUT_OF_SCOPE``.
"""

from __future__ import annotations

import pytest

from custodes.custody import clouds, modelled_types, out_of_scope
from custodes.custody.shapes import find_switches, is_switch_name
from tests.engine.sdk_switches import SDK_PACKAGES, by_cloud, switch_types


@pytest.mark.parametrize("package", SDK_PACKAGES)
def test_the_sdk_is_installed_and_read(package: str) -> None:
    # The walk reads generated text: if a release changes its layout, the walk must
    # not go quiet and make the coverage test below pass on nothing.
    assert switch_types(package), f"{package}: no resource type with a confidential input found"


def test_every_sdk_type_with_a_confidential_input_is_modelled_or_out_of_scope() -> None:
    modelled, skipped = modelled_types(), out_of_scope()
    missing = sorted(
        f"{token} ({', '.join(switches)})"
        for types in by_cloud().values()
        for token, switches in types.items()
        if token not in modelled and token not in skipped
    )
    assert not missing, ("types with a confidential input that no cloud module models and "
                         "no OUT_OF_SCOPE entry explains:\n  " + "\n  ".join(missing))


def test_out_of_scope_types_say_why_and_are_not_also_modelled() -> None:
    for module in clouds():
        for token, reason in module.OUT_OF_SCOPE.items():
            assert len(reason) > 30, f"{token}: say why it is out of scope"
            assert token not in modelled_types(), f"{token} is both modelled and out of scope"


def test_every_shape_is_modelled() -> None:
    for module in clouds():
        for token, shape in module.SHAPES.items():
            assert shape.type == token
            assert token in module.MODELLED_TYPES


@pytest.mark.parametrize(
    ("name", "switch"),
    [
        ("amd_sev_snp", True),
        ("confidentialInstanceConfig", True),
        ("confidential_compute_mode", True),
        ("enclaveOptions", True),
        ("isMemoryEncryptionEnabled", True),
        ("virtualEnclaveName", False),
        ("confidentialVmKeyVaultId", False),
        ("instanceType", False),
    ],
)
def test_switch_names(name: str, switch: bool) -> None:
    assert is_switch_name(name) is switch


def test_the_net_reads_switches_at_any_depth_and_skips_free_form_maps() -> None:
    props = {
        "tags": {"confidential": "true"},
        "spec": {"nodes": [{"machine": {"confidentialInstanceConfig": {
            "confidentialInstanceType": "TDX"}}}]},
        "securityProfile": {"securityType": "TrustedLaunch"},
        "enclaveOptions": {"enabled": False},
    }
    assert find_switches(props) == [("spec.nodes[0].machine.confidentialInstanceConfig", "tdx")]


def test_the_net_walks_deep_input_without_recursion() -> None:
    props: dict[str, object] = {"amdSevSnp": "enabled"}
    for _ in range(5000):
        props = {"nested": props}
    [(path, technology)] = find_switches(props)
    assert path.endswith("nested.amdSevSnp") and technology == "sev-snp"
