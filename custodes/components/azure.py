"""Azure confidential components: confidential VMs and SGX enclave VMs with customer-held disk keys.

Facts (``shared/reference/confidential-cloud-facts.md``, checked against
pulumi-azure-native 3: ``compute.VirtualMachine`` ``security_profile`` and
``storage_profile.os_disk.managed_disk.security_profile.{security_encryption_type,
disk_encryption_set}``, ``compute.DiskEncryptionSetType``, ``keyvault.Key``
``properties.{kty, key_size, attributes.exportable, release_policy}``,
``keyvault.AccessPolicy``, ``attestation.AttestationProvider`` output ``attest_uri``):

* a confidential OS disk is encrypted with a customer key only with
  ``DiskWithVMGuestState`` and a disk encryption set of type
  ``ConfidentialVmEncryptedWithCustomerKey``;
* the key of such a set must be exportable, so it carries a Secure Key Release
  policy: the policy's ``authority`` is the attestation service whose tokens
  release the key — a customer attestation provider, not the Microsoft-run
  shared endpoint;
* ``RSA-HSM`` keys (Key Vault Premium) and Managed HSM keys are held in HSMs.

No ``from __future__ import annotations`` here: the plugin host reads the
argument and output types at run time.
"""

import base64
import json
from collections.abc import Mapping
from typing import Any, Literal, NotRequired, TypedDict

import pulumi
import pulumi_azure_native as azure_native

from custodes.catalog import azure_confidential_vm_technology, azure_sgx_size
from custodes.components import ConfigurationError, whole_number
from custodes.custody.azure import is_shared_attestation
from custodes.records import record

CONFIDENTIAL_VM_TYPE = "custodes:azure:ConfidentialVM"
SGX_ENCLAVE_VM_TYPE = "custodes:azure:SgxEnclaveVM"

DEFAULT_CONFIDENTIAL_VM_SIZE = "Standard_DC2as_v5"
DEFAULT_SGX_VM_SIZE = "Standard_DC2s_v3"
DEFAULT_ADMIN_USERNAME = "azureuser"
# Canonical's confidential-VM image runs on both SEV-SNP and TDX sizes.
DEFAULT_CONFIDENTIAL_IMAGE = ("Canonical", "ubuntu-24_04-lts", "cvm", "latest")
DEFAULT_SGX_IMAGE = ("Canonical", "ubuntu-24_04-lts", "server", "latest")
KEY_SIZE = 3072
RELEASE_POLICY_CONTENT_TYPE = "application/json; charset=utf-8"
# The claims Azure's confidential-VM key release checks, by technology.
ATTESTATION_TYPES = {"sev-snp": "sevsnpvm", "tdx": "tdxvm"}
_HSM_KEY_TYPE = "RSA-HSM"
_SOFTWARE_KEY_TYPE = "RSA"


# --- arguments -----------------------------------------------------------------


class ConfidentialVMArgs(TypedDict):
    """Arguments of :class:`ConfidentialVM`.

    Without ``key_vault_id`` or ``managed_hsm_key_url`` the component creates a
    Key Vault Premium; without ``attestation_provider_uri`` it creates an
    attestation provider, whose URI becomes the key release policy's authority.
    """

    resource_group_name: pulumi.Input[str]
    """The resource group of the VM and everything the component creates."""
    network_interface_id: pulumi.Input[str]
    """The id of the network interface the VM uses."""
    ssh_public_key: pulumi.Input[str]
    """The administrator's SSH public key (password login is turned off)."""
    location: NotRequired[pulumi.Input[str]]
    """The region. Default: the resource group's."""
    admin_username: NotRequired[str]
    """The administrator's user name. Default: ``azureuser``."""
    image_publisher: NotRequired[str]
    """The image publisher. Default: ``Canonical``."""
    image_offer: NotRequired[str]
    """The image offer. Default: ``ubuntu-24_04-lts``."""
    image_sku: NotRequired[str]
    """The image SKU. Default: ``cvm`` for confidential VMs, ``server`` for SGX VMs."""
    image_version: NotRequired[str]
    """The image version. Default: ``latest``."""
    os_disk_size_gb: NotRequired[int]
    """The OS disk size in GB. Default: the image's."""
    tenant_id: NotRequired[pulumi.Input[str]]
    """The Entra tenant of the key vault. Default: the deploying identity's tenant."""
    key_vault_id: NotRequired[pulumi.Input[str]]
    """An existing Key Vault Premium (access-policy model) to create the disk key in.
    Default: the component creates a Premium vault with purge protection."""
    managed_hsm_key_url: NotRequired[pulumi.Input[str]]
    """The URL of an existing key in a Managed HSM
    (``https://<hsm>.managedhsm.azure.net/keys/<name>``), instead of a Key Vault key."""
    key_type: NotRequired[str]
    """The disk key's type: ``RSA-HSM`` (default) or, with ``allow_software_key``, ``RSA``."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource the component creates."""
    allow_unlisted_size: NotRequired[bool]
    """Opt-out: accept a size custodes' catalogue does not list for this technology."""
    allow_software_key: NotRequired[bool]
    """Opt-out: accept a software-protected (``RSA``) disk key."""
    allow_provider_managed_key: NotRequired[bool]
    """Opt-out: no customer key at all; the disks use a platform-managed key."""
    vm_size: NotRequired[str]
    """A DCasv5/DCadsv5/ECasv5/ECadsv5 (AMD SEV-SNP) or DCesv5/DCedsv5/ECesv5/ECedsv5
    (Intel TDX) size. Default: ``Standard_DC2as_v5``."""
    attestation_provider_uri: NotRequired[pulumi.Input[str]]
    """The attest URI of your own attestation provider. Default: the component creates one.
    A Microsoft-run shared endpoint is refused."""
    confidential_vm_orchestrator_object_id: NotRequired[pulumi.Input[str]]
    """The object id, in your tenant, of the *Confidential VM Orchestrator* service principal
    (app id ``bf7b6499-ff71-4aa2-97a4-f372087be7f0``): it is granted ``get`` and
    ``release`` on the key. Without it, grant them yourself before the VM starts."""
    allow_shared_attestation: NotRequired[bool]
    """Opt-out: accept a Microsoft-run shared attestation endpoint as the release authority."""


# The fields shared with ConfidentialVMArgs are repeated, not inherited: Pulumi's schema
# analyzer reads each field's description from the class's own source, so inherited
# fields would reach other languages undocumented (tests/components/test_provider.py).
class SgxEnclaveVMArgs(TypedDict):
    """Arguments of :class:`SgxEnclaveVM`."""

    resource_group_name: pulumi.Input[str]
    """The resource group of the VM and everything the component creates."""
    network_interface_id: pulumi.Input[str]
    """The id of the network interface the VM uses."""
    ssh_public_key: pulumi.Input[str]
    """The administrator's SSH public key (password login is turned off)."""
    location: NotRequired[pulumi.Input[str]]
    """The region. Default: the resource group's."""
    admin_username: NotRequired[str]
    """The administrator's user name. Default: ``azureuser``."""
    image_publisher: NotRequired[str]
    """The image publisher. Default: ``Canonical``."""
    image_offer: NotRequired[str]
    """The image offer. Default: ``ubuntu-24_04-lts``."""
    image_sku: NotRequired[str]
    """The image SKU. Default: ``cvm`` for confidential VMs, ``server`` for SGX VMs."""
    image_version: NotRequired[str]
    """The image version. Default: ``latest``."""
    os_disk_size_gb: NotRequired[int]
    """The OS disk size in GB. Default: the image's."""
    tenant_id: NotRequired[pulumi.Input[str]]
    """The Entra tenant of the key vault. Default: the deploying identity's tenant."""
    key_vault_id: NotRequired[pulumi.Input[str]]
    """An existing Key Vault Premium (access-policy model) to create the disk key in.
    Default: the component creates a Premium vault with purge protection."""
    managed_hsm_key_url: NotRequired[pulumi.Input[str]]
    """The URL of an existing key in a Managed HSM
    (``https://<hsm>.managedhsm.azure.net/keys/<name>``), instead of a Key Vault key."""
    key_type: NotRequired[str]
    """The disk key's type: ``RSA-HSM`` (default) or, with ``allow_software_key``, ``RSA``."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource the component creates."""
    allow_unlisted_size: NotRequired[bool]
    """Opt-out: accept a size custodes' catalogue does not list for this technology."""
    allow_software_key: NotRequired[bool]
    """Opt-out: accept a software-protected (``RSA``) disk key."""
    allow_provider_managed_key: NotRequired[bool]
    """Opt-out: no customer key at all; the disks use a platform-managed key."""
    vm_size: NotRequired[str]
    """A DCsv3/DCdsv3 (Intel SGX) size. Default: ``Standard_DC2s_v3``."""


# --- planning (pure) -------------------------------------------------------------

KeyContainer = Literal["new-vault", "vault", "managed-hsm", "platform"]


@record
class DiskKeyPlan:
    """Where the disk key lives: a vault the component creates, your vault, your
    Managed HSM, or nowhere (the platform-managed key, by opt-out)."""

    container: KeyContainer
    key_type: str


@record
class VmPlan:
    """The checked settings of a :class:`ConfidentialVM` or :class:`SgxEnclaveVM`."""

    vm_size: str
    technology: str
    disk_key: DiskKeyPlan
    attestation: Literal["create", "given", "none"]
    image: tuple[str, str, str, str]
    admin_username: str
    os_disk_size_gb: int | None


def plan_disk_key(args: Mapping[str, Any]) -> DiskKeyPlan:
    """Choose the disk key's container and type from ``args``."""
    vault = args.get("key_vault_id")
    hsm_url = args.get("managed_hsm_key_url")
    key_type = args.get("key_type") or _HSM_KEY_TYPE
    if key_type not in (_HSM_KEY_TYPE, _SOFTWARE_KEY_TYPE):
        raise ConfigurationError("key_type", f"{key_type!r} is not RSA-HSM or RSA: disk "
                                 "encryption sets take RSA keys")
    if key_type == _SOFTWARE_KEY_TYPE and not args.get("allow_software_key"):
        raise ConfigurationError(
            "key_type", "RSA keys are software-protected; RSA-HSM keeps the key in an HSM",
            "allow_software_key")
    if vault is not None and hsm_url is not None:
        raise ConfigurationError("managed_hsm_key_url",
                                 "give either key_vault_id or managed_hsm_key_url, not both")
    if hsm_url is not None:
        if isinstance(hsm_url, str) and ".managedhsm.azure.net/keys/" not in hsm_url.lower():
            raise ConfigurationError(
                "managed_hsm_key_url", f"{hsm_url!r} is not a Managed HSM key URL "
                "(https://<hsm>.managedhsm.azure.net/keys/<name>); for a Key Vault give "
                "key_vault_id")
        return DiskKeyPlan("managed-hsm", _HSM_KEY_TYPE)
    if args.get("allow_provider_managed_key"):
        if vault is not None:
            raise ConfigurationError("allow_provider_managed_key",
                                     "contradicts key_vault_id: choose one")
        return DiskKeyPlan("platform", key_type)
    return DiskKeyPlan("vault" if vault is not None else "new-vault", key_type)


def _image(args: Mapping[str, Any], default: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    return (
        args.get("image_publisher") or default[0],
        args.get("image_offer") or default[1],
        args.get("image_sku") or default[2],
        args.get("image_version") or default[3],
    )


def _common(args: Mapping[str, Any]) -> tuple[str, int | None]:
    for argument in ("resource_group_name", "network_interface_id", "ssh_public_key"):
        if args.get(argument) is None:
            raise ConfigurationError(argument, "is required")
    size = args.get("os_disk_size_gb")
    if size is not None:
        size = whole_number("os_disk_size_gb", size)
    return args.get("admin_username") or DEFAULT_ADMIN_USERNAME, size


def plan_confidential_vm(args: Mapping[str, Any]) -> VmPlan:
    """Check :class:`ConfidentialVMArgs`; raise :class:`ConfigurationError` on a refusal."""
    admin, disk_size = _common(args)
    vm_size = args.get("vm_size") or DEFAULT_CONFIDENTIAL_VM_SIZE
    technology = azure_confidential_vm_technology(vm_size)
    if technology is None:
        if not args.get("allow_unlisted_size"):
            raise ConfigurationError(
                "vm_size", f"{vm_size} is not a confidential VM size (DCasv5/ECasv5 for "
                "SEV-SNP, DCesv5/ECesv5 for TDX)", "allow_unlisted_size")
        technology = "sev-snp"
    disk_key = plan_disk_key(args)
    authority = args.get("attestation_provider_uri")
    if isinstance(authority, str) and is_shared_attestation(authority) and not args.get(
        "allow_shared_attestation"
    ):
        raise ConfigurationError(
            "attestation_provider_uri", f"{authority} is a Microsoft-run shared attestation "
            "endpoint: Microsoft's policy, not yours, would decide who gets the key",
            "allow_shared_attestation")
    if disk_key.container in ("managed-hsm", "platform"):
        # The component writes no release policy on a key it does not create.
        if authority is not None:
            raise ConfigurationError(
                "attestation_provider_uri", "only applies to a key the component creates "
                "(in a new vault or key_vault_id); set the release policy of your Managed "
                "HSM key yourself")
        attestation: Literal["create", "given", "none"] = "none"
    else:
        attestation = "given" if authority is not None else "create"
    return VmPlan(vm_size, technology, disk_key, attestation,
                  _image(args, DEFAULT_CONFIDENTIAL_IMAGE), admin, disk_size)


def plan_sgx_enclave_vm(args: Mapping[str, Any]) -> VmPlan:
    """Check :class:`SgxEnclaveVMArgs`; raise :class:`ConfigurationError` on a refusal."""
    admin, disk_size = _common(args)
    vm_size = args.get("vm_size") or DEFAULT_SGX_VM_SIZE
    if not azure_sgx_size(vm_size) and not args.get("allow_unlisted_size"):
        raise ConfigurationError(
            "vm_size", f"{vm_size} does not offer Intel SGX enclaves (DCsv3/DCdsv3 do)",
            "allow_unlisted_size")
    return VmPlan(vm_size, "sgx", plan_disk_key(args), "none",
                  _image(args, DEFAULT_SGX_IMAGE), admin, disk_size)


def secure_key_release_policy(authority: str, technology: str) -> dict[str, Any]:
    """The release policy of a confidential VM's disk key.

    The key is released only on a token from ``authority`` stating that the
    requester is a compliant confidential VM of ``technology`` (``sev-snp`` or
    ``tdx``).
    """
    return {
        "version": "1.0.0",
        "anyOf": [{
            "authority": authority,
            "allOf": [
                {"claim": "x-ms-isolation-tee.x-ms-attestation-type",
                 "equals": ATTESTATION_TYPES[technology]},
                {"claim": "x-ms-isolation-tee.x-ms-compliance-status",
                 "equals": "azure-compliant-cvm"},
            ],
        }],
    }


def encode_release_policy(policy: Mapping[str, Any]) -> str:
    """A release policy as Key Vault takes it: base64url-encoded JSON, unpadded."""
    data = json.dumps(policy, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _vault_part(vault_id: str, part: str) -> str:
    """``resourceGroups`` or ``vaults`` segment of a Key Vault ARM id."""
    segments = vault_id.strip("/").split("/")
    lowered = [segment.lower() for segment in segments]
    try:
        return segments[lowered.index(part.lower()) + 1]
    except (ValueError, IndexError):
        raise ConfigurationError("key_vault_id", f"{vault_id!r} is not a Key Vault resource "
                                 "id") from None


# --- the disk custody both VMs share ------------------------------------------------


@record
class _Vault:
    """The Key Vault that holds a disk key: its id, name and resource group."""

    id: pulumi.Output[str]
    name: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]


class _DiskCustody:
    """The disk key (with its vault and attestation provider) and disk encryption set of one VM.

    Every resource is a child of the VM component; the attributes are what the
    component exposes as outputs.
    """

    def __init__(self, parent: pulumi.Resource, name: str, plan: VmPlan,
                 args: Mapping[str, Any], confidential: bool) -> None:
        self._parent, self._name, self._plan, self._args = parent, name, plan, args
        self._child = pulumi.ResourceOptions(parent=parent)
        self._confidential = confidential
        none: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        self.key_vault_id = self.key_url = self.attestation_uri = none
        self.disk_encryption_set_id = none
        self.grants: list[pulumi.Resource] = []
        if plan.disk_key.container == "platform":
            return
        self._tenant_id = args.get("tenant_id") or (
            azure_native.authorization.get_client_config_output(
                opts=pulumi.InvokeOutputOptions(parent=parent)).tenant_id)
        vault: _Vault | None = None
        if plan.disk_key.container == "managed-hsm":
            key_url = pulumi.Output.from_input(args["managed_hsm_key_url"])
        else:
            vault = self._vault()
            key_url = self._key(vault).key_uri_with_version
            self.key_vault_id = vault.id.apply(lambda value: value)
        self.key_url = key_url.apply(lambda value: value)
        des = self._disk_encryption_set(key_url, vault)
        self.disk_encryption_set_id = des.id.apply(lambda value: value)
        if vault is not None:
            # A Managed HSM grants through its own local RBAC, outside this component.
            self._grant_access(vault, des)

    def _vault(self) -> _Vault:
        """The caller's vault (``key_vault_id``) or a new Key Vault Premium."""
        if self._plan.disk_key.container == "vault":
            vault_id = pulumi.Output.from_input(self._args["key_vault_id"])
            return _Vault(vault_id, vault_id.apply(lambda value: _vault_part(value, "vaults")),
                          vault_id.apply(lambda value: _vault_part(value, "resourceGroups")))
        keyvault = azure_native.keyvault
        vault = keyvault.Vault(
            f"{self._name}-vault",
            resource_group_name=self._args["resource_group_name"],
            location=self._args.get("location"),
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=self._tenant_id,
                sku=keyvault.SkuArgs(family=keyvault.SkuFamily.A, name=keyvault.SkuName.PREMIUM),
                # Disk encryption sets require purge protection; access policies keep the
                # grants to the set's identity in this stack.
                enable_purge_protection=True,
                enable_soft_delete=True,
                soft_delete_retention_in_days=90,
                enable_rbac_authorization=False,
                access_policies=[],
            ),
            tags=self._args.get("tags"),
            opts=self._child,
        )
        return _Vault(vault.id, vault.name, self._args["resource_group_name"])

    def _release_authority(self) -> pulumi.Output[str]:
        """The attest URI of the caller's attestation provider, or of a new one."""
        if self._plan.attestation == "given":
            return pulumi.Output.from_input(
                self._args["attestation_provider_uri"]).apply(_refuse_shared(self._args))
        provider = azure_native.attestation.AttestationProvider(
            f"{self._name}-attestation",
            resource_group_name=self._args["resource_group_name"],
            location=self._args.get("location"),
            properties=azure_native.attestation.AttestationServiceCreationSpecificParamsArgs(),
            tags=self._args.get("tags"),
            opts=self._child,
        )
        return provider.attest_uri.apply(lambda uri: uri or "")

    def _key(self, vault: _Vault) -> "azure_native.keyvault.Key":
        keyvault = azure_native.keyvault
        release_policy = None
        if self._confidential:
            authority = self._release_authority()
            self.attestation_uri = authority.apply(lambda uri: uri)
            technology = self._plan.technology
            release_policy = keyvault.KeyReleasePolicyArgs(
                content_type=RELEASE_POLICY_CONTENT_TYPE,
                data=authority.apply(lambda uri: encode_release_policy(
                    secure_key_release_policy(uri, technology))),
            )
        return keyvault.Key(
            f"{self._name}-disk-key",
            resource_group_name=vault.resource_group_name,
            vault_name=vault.name,
            properties=keyvault.KeyPropertiesArgs(
                kty=self._plan.disk_key.key_type,
                key_size=KEY_SIZE,
                key_ops=["wrapKey", "unwrapKey"],
                # A confidential OS disk's key is released to the VM's vTPM at boot, so it
                # must be exportable — and then only under the release policy.
                attributes=keyvault.KeyAttributesArgs(
                    enabled=True, exportable=self._confidential),
                release_policy=release_policy,
            ),
            tags=self._args.get("tags"),
            opts=self._child,
        )

    def _disk_encryption_set(self, key_url: pulumi.Output[str],
                             vault: _Vault | None) -> "azure_native.compute.DiskEncryptionSet":
        compute = azure_native.compute
        return compute.DiskEncryptionSet(
            f"{self._name}-des",
            resource_group_name=self._args["resource_group_name"],
            location=self._args.get("location"),
            encryption_type=(
                compute.DiskEncryptionSetType.CONFIDENTIAL_VM_ENCRYPTED_WITH_CUSTOMER_KEY
                if self._confidential
                else compute.DiskEncryptionSetType.ENCRYPTION_AT_REST_WITH_CUSTOMER_KEY
            ),
            identity=compute.EncryptionSetIdentityArgs(
                type=compute.DiskEncryptionSetIdentityType.SYSTEM_ASSIGNED),
            active_key=compute.KeyForDiskEncryptionSetArgs(
                key_url=key_url,
                source_vault=compute.SourceVaultArgs(id=vault.id) if vault else None),
            rotation_to_latest_key_version_enabled=True,
            tags=self._args.get("tags"),
            opts=self._child,
        )

    def _grant_access(self, vault: _Vault, des: "azure_native.compute.DiskEncryptionSet") -> None:
        """Key permissions for the set's identity and the Confidential VM Orchestrator."""
        keyvault = azure_native.keyvault
        principals: list[tuple[str, pulumi.Input[str], list[str]]] = [(
            "des-access",
            des.identity.apply(lambda identity: identity.principal_id if identity else ""),
            ["get", "wrapKey", "unwrapKey"],
        )]
        orchestrator = self._args.get("confidential_vm_orchestrator_object_id")
        if self._confidential and orchestrator is not None:
            principals.append(("cvm-orchestrator-access", orchestrator, ["get", "release"]))
        elif self._confidential:
            pulumi.log.warn(
                f"{self._name}: no confidential_vm_orchestrator_object_id: grant the "
                "Confidential VM Orchestrator get and release on the disk key, or the VM "
                "cannot start", resource=self._parent)
        for suffix, object_id, permissions in principals:
            self.grants.append(keyvault.AccessPolicy(
                f"{self._name}-{suffix}",
                resource_group_name=vault.resource_group_name,
                vault_name=vault.name,
                policy=keyvault.AccessPolicyEntryArgs(
                    tenant_id=self._tenant_id, object_id=object_id,
                    permissions=keyvault.PermissionsArgs(keys=permissions)),
                opts=self._child,
            ))


def _refuse_shared(args: Mapping[str, Any]) -> Any:
    """Refuse a shared attestation endpoint once an output's value is known."""

    def check(uri: str) -> str:
        if is_shared_attestation(uri) and not args.get("allow_shared_attestation"):
            raise ConfigurationError(
                "attestation_provider_uri", f"{uri} is a Microsoft-run shared attestation "
                "endpoint", "allow_shared_attestation")
        return uri

    return check


def _virtual_machine(
    name: str,
    plan: VmPlan,
    args: Mapping[str, Any],
    managed_disk: "azure_native.compute.ManagedDiskParametersArgs",
    security_profile: "azure_native.compute.SecurityProfileArgs | None",
    opts: pulumi.ResourceOptions,
) -> "azure_native.compute.VirtualMachine":
    compute = azure_native.compute
    publisher, offer, sku, version = plan.image
    return compute.VirtualMachine(
        name,
        resource_group_name=args["resource_group_name"],
        location=args.get("location"),
        hardware_profile=compute.HardwareProfileArgs(vm_size=plan.vm_size),
        network_profile=compute.NetworkProfileArgs(network_interfaces=[
            compute.NetworkInterfaceReferenceArgs(id=args["network_interface_id"], primary=True),
        ]),
        os_profile=compute.OSProfileArgs(
            computer_name=name,
            admin_username=plan.admin_username,
            linux_configuration=compute.LinuxConfigurationArgs(
                disable_password_authentication=True,
                ssh=compute.SshConfigurationArgs(public_keys=[compute.SshPublicKeyArgs(
                    path=f"/home/{plan.admin_username}/.ssh/authorized_keys",
                    key_data=args["ssh_public_key"],
                )]),
            ),
        ),
        storage_profile=compute.StorageProfileArgs(
            image_reference=compute.ImageReferenceArgs(
                publisher=publisher, offer=offer, sku=sku, version=version),
            os_disk=compute.OSDiskArgs(
                create_option=compute.DiskCreateOptionTypes.FROM_IMAGE,
                caching=compute.CachingTypes.READ_WRITE,
                delete_option=compute.DiskDeleteOptionTypes.DELETE,
                disk_size_gb=plan.os_disk_size_gb,
                managed_disk=managed_disk,
            ),
        ),
        security_profile=security_profile,
        tags=args.get("tags"),
        opts=opts,
    )


# --- components ------------------------------------------------------------------


class ConfidentialVM(pulumi.ComponentResource):
    """An Azure confidential VM (AMD SEV-SNP or Intel TDX) whose OS disk key you hold.

    The VM has security type ``ConfidentialVM`` with Secure Boot and a vTPM; its OS
    disk is ``DiskWithVMGuestState``-encrypted through a disk encryption set of type
    ``ConfidentialVmEncryptedWithCustomerKey``. The key is an exportable RSA-HSM key
    in Key Vault Premium (created, or ``key_vault_id``) whose Secure Key Release
    policy names your own attestation provider (created, or
    ``attestation_provider_uri``) as its authority — or an existing Managed HSM key.
    """

    vm_id: pulumi.Output[str]
    """The VM's resource id."""
    disk_encryption_set_id: pulumi.Output[str | None]
    """The id of the confidential disk encryption set."""
    key_url: pulumi.Output[str | None]
    """The versioned URL of the OS disk key."""
    key_vault_id: pulumi.Output[str | None]
    """The id of the vault that holds the key (none for a Managed HSM key)."""
    attestation_uri: pulumi.Output[str | None]
    """The attestation provider that the key release policy trusts."""

    def __init__(
        self,
        name: str,
        args: ConfidentialVMArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plan = plan_confidential_vm(args)
        super().__init__(CONFIDENTIAL_VM_TYPE, name, None, opts)
        custody = _DiskCustody(self, name, plan, args, confidential=True)
        compute = azure_native.compute
        des = None
        if plan.disk_key.container != "platform":
            des = compute.DiskEncryptionSetParametersArgs(id=custody.disk_encryption_set_id)
        vm = _virtual_machine(
            name, plan, args,
            managed_disk=compute.ManagedDiskParametersArgs(
                storage_account_type=compute.StorageAccountTypes.PREMIUM_LRS,
                security_profile=compute.VMDiskSecurityProfileArgs(
                    security_encryption_type=compute.SecurityEncryptionTypes.DISK_WITH_VM_GUEST_STATE,
                    disk_encryption_set=des,
                ),
            ),
            security_profile=compute.SecurityProfileArgs(
                security_type=compute.SecurityTypes.CONFIDENTIAL_VM,
                uefi_settings=compute.UefiSettingsArgs(
                    secure_boot_enabled=True, v_tpm_enabled=True),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=custody.grants or None),
        )
        self.vm_id = vm.id
        self.disk_encryption_set_id = custody.disk_encryption_set_id
        self.key_url = custody.key_url
        self.key_vault_id = custody.key_vault_id
        self.attestation_uri = custody.attestation_uri
        self.register_outputs({
            "vm_id": self.vm_id,
            "disk_encryption_set_id": self.disk_encryption_set_id,
            "key_url": self.key_url,
            "key_vault_id": self.key_vault_id,
            "attestation_uri": self.attestation_uri,
        })


class SgxEnclaveVM(pulumi.ComponentResource):
    """An Intel SGX application-enclave VM (DCsv3/DCdsv3) whose disk key you hold.

    The OS disk is encrypted at rest through a disk encryption set of type
    ``EncryptionAtRestWithCustomerKey`` with a non-exportable RSA-HSM key in Key
    Vault Premium (created, or ``key_vault_id``) or an existing Managed HSM key.
    Enclave secrets themselves are released by your enclave's own attestation.
    """

    vm_id: pulumi.Output[str]
    """The VM's resource id."""
    disk_encryption_set_id: pulumi.Output[str | None]
    """The id of the disk encryption set."""
    key_url: pulumi.Output[str | None]
    """The versioned URL of the disk key."""
    key_vault_id: pulumi.Output[str | None]
    """The id of the vault that holds the key (none for a Managed HSM key)."""

    def __init__(
        self,
        name: str,
        args: SgxEnclaveVMArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plan = plan_sgx_enclave_vm(args)
        super().__init__(SGX_ENCLAVE_VM_TYPE, name, None, opts)
        custody = _DiskCustody(self, name, plan, args, confidential=False)
        compute = azure_native.compute
        managed_disk = compute.ManagedDiskParametersArgs(
            storage_account_type=compute.StorageAccountTypes.PREMIUM_LRS,
            disk_encryption_set=(
                None if plan.disk_key.container == "platform"
                else compute.DiskEncryptionSetParametersArgs(id=custody.disk_encryption_set_id)),
        )
        vm = _virtual_machine(
            name, plan, args, managed_disk=managed_disk, security_profile=None,
            opts=pulumi.ResourceOptions(parent=self, depends_on=custody.grants or None),
        )
        self.vm_id = vm.id
        self.disk_encryption_set_id = custody.disk_encryption_set_id
        self.key_url = custody.key_url
        self.key_vault_id = custody.key_vault_id
        self.register_outputs({
            "vm_id": self.vm_id,
            "disk_encryption_set_id": self.disk_encryption_set_id,
            "key_url": self.key_url,
            "key_vault_id": self.key_vault_id,
        })


__all__ = [
    "ConfidentialVM",
    "ConfidentialVMArgs",
    "DiskKeyPlan",
    "SgxEnclaveVM",
    "SgxEnclaveVMArgs",
    "VmPlan",
    "encode_release_policy",
    "plan_confidential_vm",
    "plan_disk_key",
    "plan_sgx_enclave_vm",
    "secure_key_release_policy",
]
