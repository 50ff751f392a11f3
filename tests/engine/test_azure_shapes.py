"""The Azure table of shapes: every modelled type is a workload or a key of one, with the
custody a user would check — and no type with a confidential input is silently skipped."""

from __future__ import annotations

from typing import Any

import pytest

from custodes.catalog import azure_confidential_vm_technology, azure_series, azure_sgx_size
from custodes.config import build_settings
from custodes.custody import analyse, modelled_types
from custodes.custody import azure as az
from custodes.custody.responsibility import matrix
from custodes.engine import evaluate
from tests.conftest import graph, resource

DES_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des"
KEY_URL = "https://vault.vault.azure.net/keys/disk"


def native_des(encryption_type: str = az.CONFIDENTIAL_DES_TYPE) -> Any:
    return resource(az.DISK_ENCRYPTION_SET, "des", {
        "encryptionType": encryption_type, "activeKey": {"keyUrl": KEY_URL + "/v1"}}, id=DES_ID)


def hsm_key() -> Any:
    return resource(az.KEY, "disk", {"properties": {"kty": "RSA-HSM"}}, {"keyUri": KEY_URL})


def scale_set(encryption: str, des_id: str | None = None, size: str = "Standard_DC4as_v5") -> Any:
    profile: dict[str, Any] = {"securityEncryptionType": encryption}
    if des_id:
        profile["diskEncryptionSet"] = {"id": des_id}
    return resource(az.SCALE_SET, "vmss", {
        "sku": {"name": size},
        "virtualMachineProfile": {
            "securityProfile": {"securityType": "ConfidentialVM",
                                "uefiSettings": {"vTpmEnabled": True, "secureBootEnabled": True}},
            "storageProfile": {"osDisk": {"managedDisk": {"securityProfile": profile}}},
        },
    })


def classic_vm(token: str = az.LINUX_VM, encryption: str | None = "DiskWithVMGuestState",
               des_id: str | None = None, size: str = "Standard_DC4es_v5") -> Any:
    os_disk: dict[str, Any] = {"caching": "ReadWrite"}
    if encryption:
        os_disk["securityEncryptionType"] = encryption
    if des_id:
        os_disk["secureVmDiskEncryptionSetId"] = des_id
    props: dict[str, Any] = {"size": size, "osDisk": os_disk, "vtpmEnabled": True,
                             "secureBootEnabled": True}
    if token in (az.LINUX_SCALE_SET, az.WINDOWS_SCALE_SET):
        props["sku"] = props.pop("size")
    return resource(token, "vm", props)


def classic_des(encryption_type: str | None = az.CONFIDENTIAL_DES_TYPE) -> Any:
    props: dict[str, Any] = {"keyVaultKeyId": KEY_URL + "/v2"}
    if encryption_type:
        props["encryptionType"] = encryption_type
    return resource(az.CLASSIC_DISK_ENCRYPTION_SET, "cdes", props, id=DES_ID)


def classic_key(key_type: str = "RSA-HSM") -> Any:
    return resource(az.CLASSIC_KEY, "ckey", {"keyType": key_type}, id=KEY_URL + "/v2")


def only_workload(*resources: Any) -> Any:
    (workload,) = analyse(graph(*resources)).workloads
    return workload


def labels(*resources: Any) -> list[str]:
    return [key.label for key in only_workload(*resources).keys]


def mandatory(*resources: Any, profile: str = "default") -> set[tuple[str, str]]:
    report = evaluate(graph(*resources), build_settings(profile))
    return {(f.rule_id, f.name) for f in report.findings if f.enforcement == "mandatory"}


# --- the catalogue ---------------------------------------------------------------


@pytest.mark.parametrize(("size", "series", "technology"), [
    ("Standard_NCC40ads_H100_v5", "NCCads_H100_v5", "sev-snp"),
    ("Standard_DC4as_v6", "DCasv6", "sev-snp"),
    ("Standard_EC8ads_v6", "ECadsv6", "sev-snp"),
    ("Standard_DC16es_v6", "DCesv6", "tdx"),
    ("Standard_EC4eds_v6", "ECedsv6", "tdx"),
    ("Standard_EC32-16as_v5", "ECasv5", "sev-snp"),
    ("Standard_NC40ads_H100_v5", "NCads_H100_v5", None),
    ("Standard_D4s_v5", "Dsv5", None),
])
def test_azure_sizes_of_2026(size: str, series: str, technology: str | None) -> None:
    assert azure_series(size) == series
    assert azure_confidential_vm_technology(size) == technology


def test_sgx_sizes_are_not_confidential_vm_sizes() -> None:
    for size in ("Standard_DC8_v2", "Standard_DC2s_v3", "Standard_DC4ds_v3"):
        assert azure_sgx_size(size) and azure_confidential_vm_technology(size) is None


# --- workloads of every shape -------------------------------------------------------


@pytest.mark.parametrize(("vmss", "others", "expected"), [
    (scale_set("VMGuestStateOnly"), [], ["provider"]),
    (scale_set("DiskWithVMGuestState"), [], ["provider"]),
    (scale_set("DiskWithVMGuestState", DES_ID), [native_des("EncryptionAtRestWithCustomerKey"),
                                                 hsm_key()], ["provider"]),
    (scale_set("DiskWithVMGuestState", DES_ID), [native_des(), hsm_key()], ["customer-hsm"]),
    (scale_set("DiskWithVMGuestState", DES_ID), [], ["unresolved"]),
], ids=["guest-state-only", "no-set", "at-rest-set", "hsm", "set-outside"])
def test_native_scale_set_custody(vmss: Any, others: list[Any], expected: list[str]) -> None:
    assert labels(vmss, *others) == expected


def test_a_confidential_scale_set_is_a_workload_with_its_technology_and_founder() -> None:
    workload = only_workload(scale_set("VMGuestStateOnly", size="Standard_DC4es_v6"))
    assert (workload.technologies, workload.founders) == (("tdx",), ("Intel",))
    assert workload.modelled


@pytest.mark.parametrize("token", [az.LINUX_VM, az.WINDOWS_VM, az.LINUX_SCALE_SET,
                                   az.WINDOWS_SCALE_SET])
def test_classic_confidential_vms_and_scale_sets(token: str) -> None:
    assert labels(classic_vm(token, "VMGuestStateOnly")) == ["provider"]
    assert labels(classic_vm(token)) == ["provider"]
    assert labels(classic_vm(token, des_id=DES_ID), classic_des(), classic_key()) == [
        "customer-hsm"]
    assert labels(classic_vm(token, des_id=DES_ID), classic_des(), classic_key("RSA")) == [
        "customer-kms"]
    # The classic set's type defaults to EncryptionAtRestWithCustomerKey: not confidential.
    assert labels(classic_vm(token, des_id=DES_ID), classic_des(None), classic_key()) == [
        "provider"]
    assert labels(classic_vm(token, des_id=DES_ID)) == ["unresolved"]


def test_a_classic_vm_without_an_encryption_type_is_not_confidential() -> None:
    assert analyse(graph(classic_vm(encryption=None))).workloads == ()
    assert analyse(graph(classic_vm(encryption=None, size="Standard_DC4s_v3"))).workloads[
        0].technologies == ("sgx",)


def test_a_managed_hsm_key_of_the_classic_provider_is_customer_hsm() -> None:
    des = resource(az.CLASSIC_DISK_ENCRYPTION_SET, "cdes", {
        "encryptionType": az.CONFIDENTIAL_DES_TYPE,
        "managedHsmKeyId": "https://hsm.managedhsm.azure.net/keys/k/v1"}, id=DES_ID)
    hsm = resource(az.CLASSIC_HSM_KEY, "k", {"keyType": "RSA-HSM"},
                   id="https://hsm.managedhsm.azure.net/keys/k/v1")
    (key,) = only_workload(classic_vm(des_id=DES_ID), des, hsm).keys
    assert key.label == "customer-hsm" and key.key is hsm


@pytest.mark.parametrize(("disk", "expected"), [
    ({"securityType": "ConfidentialVM_DiskEncryptedWithPlatformKey"}, "provider"),
    ({"securityType": "ConfidentialVM_VMGuestStateOnlyEncryptedWithPlatformKey"}, "provider"),
    ({"securityType": "ConfidentialVM_DiskEncryptedWithCustomerKey"}, "provider"),
    ({"securityType": "ConfidentialVM_DiskEncryptedWithCustomerKey",
      "secureVMDiskEncryptionSetId": DES_ID}, "unresolved"),
    ({"securityType": "ConfidentialVM_DiskEncryptedWithCustomerKey",
      "secureVMDiskEncryptionSetId": DES_ID, "_with_set": True}, "customer-hsm"),
    ({"securityType": "ConfidentialVM_NonPersistedTPM"}, "provider"),
    ({"securityType": "TrustedLaunch"}, None),
])
def test_native_confidential_disk_custody(disk: dict[str, Any], expected: str | None) -> None:
    with_set = disk.pop("_with_set", False)
    native = resource(az.DISK, "disk", {"securityProfile": disk})
    stack = graph(native, native_des(), hsm_key()) if with_set else graph(native)
    key = az.disk_custody(stack, native)
    assert (key.label if key else None) == expected


def test_a_customer_key_disk_whose_set_is_outside_the_stack_is_unresolved_not_silent() -> None:
    disk = resource(az.DISK, "ledger-os", {"securityProfile": {
        "securityType": "ConfidentialVM_DiskEncryptedWithCustomerKey",
        "secureVMDiskEncryptionSetId": DES_ID}})
    report = evaluate(graph(disk), build_settings("strict"))
    findings = [f for f in report.findings if f.rule_id == "azure-compute-cvm-require-customer-key"]
    assert [(f.name, f.unresolved, f.enforcement) for f in findings] == [
        ("ledger-os", True, "mandatory")]
    assert "not in the stack" in findings[0].message


def test_classic_managed_disk_custody() -> None:
    disk = resource(az.MANAGED_DISK, "d", {
        "securityType": "ConfidentialVM_DiskEncryptedWithCustomerKey",
        "secureVmDiskEncryptionSetId": DES_ID})
    key = az.disk_custody(graph(disk, classic_des(), classic_key()), disk)
    assert key is not None and key.label == "customer-hsm"


VM_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"
DISK_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/data"


def attached(vm: Any, disk_props: dict[str, Any] | None, *others: Any) -> list[str]:
    """The key labels of ``vm`` with a classic managed disk attached by a DataDiskAttachment
    (``disk_props`` None: the attachment names a disk outside the stack)."""
    attachment = resource(az.DATA_DISK_ATTACHMENT, "data-attach", {
        "virtualMachineId": VM_ID, "managedDiskId": DISK_ID, "lun": 0, "caching": "None"})
    disks = [] if disk_props is None else [resource(az.MANAGED_DISK, "data", disk_props,
                                                    id=DISK_ID)]
    (workload,) = [w for w in analyse(graph(vm, attachment, *disks, *others)).workloads
                   if w.resource is vm]
    return [key.label for key in workload.keys]


def test_classic_data_disks_attached_to_a_confidential_vm_are_its_keys() -> None:
    vm = classic_vm(des_id=DES_ID)
    vm = resource(vm.type, "vm", vm.props, id=VM_ID)
    # The OS disk is on the customer's HSM key; the attached data disk decides the rest.
    assert attached(vm, {"storageAccountType": "Premium_LRS"}, classic_des(), classic_key()) == [
        "customer-hsm", "provider"]
    keyed_des = resource(az.CLASSIC_DISK_ENCRYPTION_SET, "data-des", {
        "keyVaultKeyId": KEY_URL + "/v2"}, id=DES_ID + "-data")
    assert attached(vm, {"diskEncryptionSetId": DES_ID + "-data"}, classic_des(), keyed_des,
                    classic_key()) == ["customer-hsm", "customer-hsm"]
    assert attached(vm, None, classic_des(), classic_key()) == ["customer-hsm", "unresolved"]
    found = mandatory(vm, classic_des(), classic_key(), resource(
        az.DATA_DISK_ATTACHMENT, "data-attach", {"virtualMachineId": VM_ID,
                                                 "managedDiskId": DISK_ID}),
        resource(az.MANAGED_DISK, "data", {}, id=DISK_ID))
    assert ("azure-compute-cvm-require-customer-key", "vm") in found


@pytest.mark.parametrize("token", [az.VIRTUAL_MACHINE, az.LINUX_SCALE_SET])
def test_a_data_disk_keyed_by_its_own_set_is_judged_by_that_set(token: str) -> None:
    """The set is read inside each data disk of the list (dataDisks[0]…), not missed as
    absent: a keyed data disk is the customer's, an unkeyed one the platform's."""
    def vm(data_disk: dict[str, Any]) -> Any:
        if token == az.LINUX_SCALE_SET:
            props = classic_vm(token, des_id=DES_ID).props
            props["dataDisks"] = [{"lun": 0, **data_disk}]
            return resource(token, "vm", props)
        return resource(token, "vm", {
            "hardwareProfile": {"vmSize": "Standard_DC4as_v5"},
            "securityProfile": {"securityType": "ConfidentialVM"},
            "storageProfile": {
                "osDisk": {"managedDisk": {"securityProfile": {
                    "securityEncryptionType": "DiskWithVMGuestState",
                    "diskEncryptionSet": {"id": DES_ID}}}},
                "dataDisks": [{"lun": 0, "createOption": "Empty", **data_disk}]}})

    keyed = ({"diskEncryptionSetId": DES_ID} if token == az.LINUX_SCALE_SET
             else {"managedDisk": {"diskEncryptionSet": {"id": DES_ID}}})
    sets = (classic_des(), classic_key()) if token == az.LINUX_SCALE_SET else (
        native_des(), hsm_key())
    assert labels(vm(keyed), *sets) == ["customer-hsm", "customer-hsm"]
    assert labels(vm({}), *sets) == ["customer-hsm", "provider"]


def test_a_native_data_disk_that_attaches_an_existing_disk_takes_its_key() -> None:
    vm = resource(az.VIRTUAL_MACHINE, "vm", {
        "hardwareProfile": {"vmSize": "Standard_DC4as_v5"},
        "securityProfile": {"securityType": "ConfidentialVM"},
        "storageProfile": {
            "osDisk": {"managedDisk": {"securityProfile": {
                "securityEncryptionType": "DiskWithVMGuestState",
                "diskEncryptionSet": {"id": DES_ID}}}},
            "dataDisks": [{"lun": 0, "createOption": "Attach", "managedDisk": {"id": DISK_ID}}],
        }})
    plain = resource(az.DISK, "data", {"creationData": {"createOption": "Empty"}}, id=DISK_ID)
    keyed = resource(az.DISK, "data", {"encryption": {"diskEncryptionSetId": DES_ID + "-d"}},
                     id=DISK_ID)
    at_rest = resource(az.DISK_ENCRYPTION_SET, "data-des", {
        "encryptionType": "EncryptionAtRestWithCustomerKey",
        "activeKey": {"keyUrl": KEY_URL + "/v1"}}, id=DES_ID + "-d")
    assert labels(vm, plain, native_des(), hsm_key()) == ["customer-hsm", "provider"]
    assert labels(vm, keyed, at_rest, native_des(), hsm_key()) == [
        "customer-hsm", "customer-hsm"]
    assert labels(vm, native_des(), hsm_key()) == ["customer-hsm", "unresolved"]


def test_aks_pools_with_confidential_sizes_are_workloads_in_the_matrix() -> None:
    cluster = resource(az.MANAGED_CLUSTER, "aks", {
        "resourceName": "aks", "agentPoolProfiles": [{"vmSize": "Standard_D4s_v5"}]})
    pool = resource(az.AGENT_POOL, "cvm-pool", {"resourceName": "aks",
                                                "vmSize": "Standard_DC4as_v5"})
    classic = resource(az.KUBERNETES_CLUSTER, "caks", {
        "defaultNodePool": {"vmSize": "Standard_DC8es_v5"}, "diskEncryptionSetId": DES_ID})
    analysis = analyse(graph(cluster, pool, classic, classic_des(), classic_key()))
    by_name = {w.resource.name: w for w in analysis.workloads}
    assert set(by_name) == {"cvm-pool", "caks"}  # the plain cluster is no workload
    assert by_name["cvm-pool"].technologies == ("sev-snp",)
    assert [k.label for k in by_name["cvm-pool"].keys] == ["provider"]
    assert [k.label for k in by_name["caks"].keys] == ["customer-hsm"]
    custody = next(row for row in matrix(analysis) if row["duty"] == "key-custody")
    assert any(urn.endswith("::cvm-pool") for urn in custody["provider"])


def test_a_platform_keyed_confidential_node_pool_fails_the_default_profile() -> None:
    """Like a confidential VM on a platform key (azure-compute-cvm-require-customer-key),
    a confidential AKS pool on platform-keyed disks is a mandatory finding by default."""
    rule = "azure-aks-confidential-nodes-require-customer-key"
    cluster = resource(az.MANAGED_CLUSTER, "aks", {
        "resourceName": "aks", "agentPoolProfiles": [{"vmSize": "Standard_DC4as_v5"}]})
    classic = resource(az.KUBERNETES_CLUSTER, "caks", {
        "defaultNodePool": {"vmSize": "Standard_DC8es_v5"}})
    assert {(rule, "aks"), (rule, "caks")} <= mandatory(cluster, classic)
    keyed = resource(az.KUBERNETES_CLUSTER, "caks", {
        "defaultNodePool": {"vmSize": "Standard_DC8es_v5"}, "diskEncryptionSetId": DES_ID})
    assert not {name for rule_id, name in mandatory(keyed, classic_des(), classic_key())
                if rule_id == rule}


def test_a_node_pool_whose_cluster_is_elsewhere_is_unresolved() -> None:
    pool = resource(az.KUBERNETES_NODE_POOL, "pool", {
        "vmSize": "Standard_DC4as_v5",
        "kubernetesClusterId": "/subscriptions/s/resourceGroups/rg/providers/"
                               "Microsoft.ContainerService/managedClusters/other"})
    assert labels(pool) == ["unresolved"]


def test_confidential_container_groups_are_workloads() -> None:
    plain = resource(az.CONTAINER_GROUP, "web", {"sku": "Standard"})
    group = resource(az.CONTAINER_GROUP, "scoring", {"sku": "Confidential"})
    keyed = resource(az.CONTAINER_GROUP, "keyed", {
        "sku": "Confidential",
        "encryptionProperties": {"vaultBaseUrl": "https://vault.vault.azure.net",
                                 "keyName": "disk", "keyVersion": "v1"}})
    analysis = analyse(graph(plain, group, keyed, hsm_key()))
    by_name = {w.resource.name: [k.label for k in w.keys] for w in analysis.workloads}
    assert by_name == {"scoring": ["provider"], "keyed": ["customer-hsm"]}
    assert ("azure-compute-cvm-require-customer-key", "scoring") in mandatory(group)


def test_an_unknown_security_type_is_never_clean() -> None:
    from custodes.model import UNKNOWN

    vm = resource(az.VIRTUAL_MACHINE, "vm", {"securityProfile": {"securityType": UNKNOWN}})
    assert az.is_confidential(vm) is None
    vm = resource(az.VIRTUAL_MACHINE, "vm", {"securityProfile": {"securityType": "FutureCVM"}})
    assert az.is_confidential(vm) is None


def test_trusted_launch_is_not_confidential() -> None:
    vm = resource(az.VIRTUAL_MACHINE, "vm", {"securityProfile": {"securityType": "TrustedLaunch"},
                                             "hardwareProfile": {"vmSize": "Standard_D4s_v5"}})
    assert az.is_confidential(vm) is False
    assert analyse(graph(vm)).workloads == ()


@pytest.mark.parametrize(("token", "props", "expected"), [
    (az.VIRTUAL_MACHINE, {"securityProfile": {"securityType": "trustedlaunch"}}, False),
    (az.VIRTUAL_MACHINE, {"securityProfile": {"securityType": " Standard "}}, False),
    (az.VIRTUAL_MACHINE, {"securityProfile": {"securityType": "confidentialvm"}}, True),
    (az.SCALE_SET, {"virtualMachineProfile": {"securityProfile": {
        "securityType": "TrustedLaunch"}}}, False),
    (az.CONTAINER_GROUP, {"sku": "Dedicated"}, False),
    (az.CONTAINER_GROUP, {"sku": "standard"}, False),
    (az.CONTAINER_GROUP, {"sku": "Confidential"}, True),
    (az.CONTAINER_GROUP, {"sku": "ConfidentialGpu"}, None),
], ids=["trusted-launch", "standard", "cvm-lowercase", "vmss-trusted-launch",
        "aci-dedicated", "aci-standard", "aci-confidential", "aci-unknown-sku"])
def test_typed_switches_read_their_off_values(token: str, props: dict[str, Any],
                                              expected: bool | None) -> None:
    """The shared Switch's ``off`` values turn nothing on; a value it does not know is
    unknown, never off (a secret's plaintext is read the same way)."""
    from custodes.model import Secret

    assert az.is_confidential(resource(token, "r", props)) is expected
    secret = {key: Secret(value) if isinstance(value, str) else value
              for key, value in props.items()}
    if token == az.CONTAINER_GROUP:
        assert az.is_confidential(resource(token, "s", secret)) is expected


# --- rules read the table ------------------------------------------------------------


def test_scale_set_rules_read_the_profile_paths() -> None:
    vmss = scale_set("DiskWithVMGuestState", DES_ID, size="Standard_D4s_v5")
    vmss.props["virtualMachineProfile"]["securityProfile"]["uefiSettings"] = {
        "vTpmEnabled": False, "secureBootEnabled": False}
    found = mandatory(vmss, native_des(), hsm_key(), profile="strict")
    assert {rule for rule, _ in found if rule.startswith("azure-")} == {
        "azure-compute-cvm-require-confidential-size", "azure-compute-cvm-require-vtpm",
        "azure-compute-cvm-require-secure-boot"}


def test_scale_set_vm_takes_its_size_from_the_scale_set() -> None:
    member = resource(az.SCALE_SET_VM, "vmss-0", {
        "vmScaleSetName": "vmss",
        "securityProfile": {"securityType": "ConfidentialVM",
                            "uefiSettings": {"vTpmEnabled": True, "secureBootEnabled": True}},
        "storageProfile": {"osDisk": {"managedDisk": {"securityProfile": {
            "securityEncryptionType": "VMGuestStateOnly"}}}}})
    parent = scale_set("VMGuestStateOnly")
    parent.props["vmScaleSetName"] = "vmss"
    found = mandatory(member, parent)
    assert ("azure-compute-cvm-require-confidential-size", "vmss-0") not in found
    assert ("azure-compute-cvm-require-customer-key", "vmss-0") in found
    alone = evaluate(graph(member), build_settings("strict")).findings
    assert any(f.rule_id == "azure-compute-cvm-require-confidential-size" and f.unresolved
               for f in alone)


def test_the_vtpm_fix_lands_where_each_shape_keeps_it() -> None:
    from custodes.rules import catalogue

    fix = catalogue()["azure-compute-cvm-require-vtpm"].remediate
    assert fix is not None
    classic = fix({"osDisk": {"securityEncryptionType": "VMGuestStateOnly"}})
    assert classic is not None and classic["vtpmEnabled"] is True
    vmss = fix({"virtualMachineProfile": {"securityProfile": {"securityType": "ConfidentialVM"}}})
    assert vmss is not None
    assert vmss["virtualMachineProfile"]["securityProfile"]["uefiSettings"]["vTpmEnabled"]
    assert fix({"securityProfile": {"securityType": "TrustedLaunch"}}) is None


# --- nothing passes in silence -----------------------------------------------------------


def test_every_shape_and_modelled_type_is_skipped_by_the_net_and_out_of_scope_is_not() -> None:
    modelled = modelled_types()
    assert set(az.SHAPES) <= set(az.MODELLED_TYPES) <= modelled
    assert not set(az.OUT_OF_SCOPE) & set(az.MODELLED_TYPES)
    assert all(reason.strip() for reason in az.OUT_OF_SCOPE.values())


def test_a_type_whose_keys_are_not_followed_is_a_workload_of_unresolved_custody() -> None:
    pool = resource("azure-native:batch:Pool", "pool", {"deploymentConfiguration": {
        "virtualMachineConfiguration": {"securityProfile": {"securityType": "confidentialVM"}}}})
    plain = resource("azure-native:batch:Pool", "plain", {"vmSize": "Standard_D4s_v5"})
    (workload,) = analyse(graph(pool, plain)).workloads
    assert workload.modelled and [k.label for k in workload.keys] == ["unresolved"]
    findings = evaluate(graph(pool), build_settings("strict")).findings
    assert [(f.rule_id, f.unresolved, f.enforcement) for f in findings
            if f.rule_id.startswith("azure-")] == [
        ("azure-compute-cvm-require-customer-key", True, "mandatory")]
