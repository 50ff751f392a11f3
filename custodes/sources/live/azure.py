"""Azure, read with azure-mgmt-compute and azure-mgmt-keyvault: virtual machines, disks,
disk encryption sets, key vaults and the keys disk encryption sets use, managed HSMs.

Normalisers take Azure Resource Manager JSON (what the SDK models' ``as_dict()``
returns: ``id``, ``name``, ``location``, ``properties`` …) and give the
pulumi-azure-native 3 shapes the rules read. azure-native lifts the ``properties``
of compute resources to the top level (``securityProfile.securityType``,
``storageProfile.osDisk.managedDisk.securityProfile.diskEncryptionSet.id``,
``encryptionType``, ``activeKey.keyUrl``) and keeps them nested for Key Vault
(``properties.sku.name``, ``properties.kty``, ``properties.releasePolicy.data``),
and so do these normalisers.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import urlparse

from custodes.custody import azure as facts
from custodes.model import Graph, Resource
from custodes.sources.live import (
    CloudAccessError,
    GapRecorder,
    LiveOptions,
    LiveRead,
    clean,
    live_urn,
)

CLOUD = "azure"
DEFAULT_ENDPOINT = "https://management.azure.com"
_CHAIN = ("DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, "
          "Azure PowerShell, Azure Developer CLI)")
READ_TYPES = (facts.VIRTUAL_MACHINE, facts.DISK, facts.DISK_ENCRYPTION_SET, facts.VAULT,
              facts.MANAGED_HSM, facts.KEY)
# Read-only bookkeeping azure-native does not take as inputs.
_READ_ONLY = {"provisioningState", "vmId", "instanceView", "timeCreated", "uniqueId",
              "diskState", "lastOwnershipUpdateTime"}
_SUBSCRIPTION = re.compile(r"^/subscriptions/(?P<id>[^/]+)", re.IGNORECASE)
_RESOURCE_GROUP = re.compile(r"/resourceGroups/(?P<name>[^/]+)", re.IGNORECASE)
_KEY_ID = re.compile(r"/providers/Microsoft\.KeyVault/vaults/(?P<vault>[^/]+)/keys/(?P<key>[^/]+)",
                     re.IGNORECASE)

T = TypeVar("T")


# --- normalisers: ARM JSON → Resources ----------------------------------------


def _resource_group(arm_id: str) -> str | None:
    match = _RESOURCE_GROUP.search(arm_id)
    return match.group("name") if match else None


def _flattened(data: Mapping[str, Any], name_field: str) -> dict[str, Any]:
    properties = {k: v for k, v in (data.get("properties") or {}).items() if k not in _READ_ONLY}
    return clean({
        name_field: data.get("name"),
        "resourceGroupName": _resource_group(str(data.get("id", ""))),
        "location": data.get("location"),
        "tags": data.get("tags"),
        "zones": data.get("zones"),
        "identity": data.get("identity"),
        "sku": data.get("sku"),
        **properties,
    })


def _arm_resource(type_token: str, data: Mapping[str, Any], props: Mapping[str, Any],
                  **outputs: Any) -> Resource:
    arm_id = str(data["id"])
    return Resource(
        urn=live_urn(CLOUD, type_token, arm_id.lower()),
        type=type_token,
        name=str(data.get("name") or arm_id.rsplit("/", 1)[-1]),
        props=props,
        outputs=clean({"id": arm_id, "name": data.get("name"), **outputs}),
        id=arm_id,
    )


def virtual_machine(data: Mapping[str, Any]) -> Resource:
    """An ``azure-native:compute:VirtualMachine`` from the ARM JSON of a VM."""
    props = _flattened(data, "vmName")
    return _arm_resource(facts.VIRTUAL_MACHINE, data, props,
                         vmId=(data.get("properties") or {}).get("vmId"))


def disk(data: Mapping[str, Any]) -> Resource:
    """An ``azure-native:compute:Disk`` from the ARM JSON of a managed disk."""
    return _arm_resource(facts.DISK, data, _flattened(data, "diskName"),
                         managedBy=data.get("managedBy"))


def disk_encryption_set(data: Mapping[str, Any]) -> Resource:
    """An ``azure-native:compute:DiskEncryptionSet`` from its ARM JSON."""
    return _arm_resource(facts.DISK_ENCRYPTION_SET, data,
                         _flattened(data, "diskEncryptionSetName"))


def vault(data: Mapping[str, Any]) -> Resource:
    """An ``azure-native:keyvault:Vault`` (``properties`` stay nested, as azure-native has them)."""
    properties = data.get("properties") or {}
    props = clean({
        "vaultName": data.get("name"),
        "resourceGroupName": _resource_group(str(data.get("id", ""))),
        "location": data.get("location"),
        "tags": data.get("tags"),
        "properties": {k: v for k, v in properties.items() if k not in _READ_ONLY},
    })
    return _arm_resource(facts.VAULT, data, props, vaultUri=properties.get("vaultUri"))


def managed_hsm(data: Mapping[str, Any]) -> Resource:
    """An ``azure-native:keyvault:ManagedHsm``: a single-tenant HSM pool."""
    properties = data.get("properties") or {}
    props = clean({
        "name": data.get("name"),
        "resourceGroupName": _resource_group(str(data.get("id", ""))),
        "location": data.get("location"),
        "tags": data.get("tags"),
        "sku": data.get("sku"),
        "properties": {k: v for k, v in properties.items() if k not in _READ_ONLY},
    })
    return _arm_resource(facts.MANAGED_HSM, data, props, hsmUri=properties.get("hsmUri"))


def key(data: Mapping[str, Any]) -> Resource:
    """An ``azure-native:keyvault:Key`` from the ARM JSON of a vault key.

    ARM spells the release policy ``release_policy``; azure-native (and the
    rules) ``releasePolicy``. Its ``data`` is base64url JSON, kept as is.
    """
    arm_id = str(data["id"])
    properties = dict(data.get("properties") or {})
    release = properties.pop("release_policy", None) or properties.pop("releasePolicy", None)
    if isinstance(release, Mapping) and isinstance(release.get("data"), bytes):
        release = {**release, "data": release["data"].decode("utf-8")}
    match = _KEY_ID.search(arm_id)
    key_properties = clean({
        "kty": properties.get("kty"),
        "keyOps": properties.get("keyOps"),
        "keySize": properties.get("keySize"),
        "curveName": properties.get("curveName"),
        "attributes": {k: v for k, v in (properties.get("attributes") or {}).items()
                       if k in ("enabled", "exportable", "expires", "notBefore")},
        "releasePolicy": release,
        "rotationPolicy": properties.get("rotationPolicy"),
    })
    props = clean({
        "keyName": data.get("name"),
        "vaultName": match.group("vault") if match else None,
        "resourceGroupName": _resource_group(arm_id),
        "tags": data.get("tags"),
        "properties": key_properties,
    })
    resource = _arm_resource(
        facts.KEY, data, props,
        keyUri=properties.get("keyUri"), keyUriWithVersion=properties.get("keyUriWithVersion"),
        # azure-native's outputs of a key are flattened.
        kty=key_properties.get("kty"), attributes=key_properties.get("attributes"),
        releasePolicy=key_properties.get("releasePolicy"),
    )
    vault_id = arm_id[: arm_id.lower().rfind("/keys/")] if "/keys/" in arm_id.lower() else None
    if not vault_id:
        return resource
    return replace(resource, dependencies=(live_urn(CLOUD, facts.VAULT, vault_id.lower()),))


# --- scope -------------------------------------------------------------------


def stack_scope(graph: Graph) -> tuple[str, ...]:
    """The subscriptions a stack's Azure resources live in (from their ARM ids)."""
    found: set[str] = set()
    for resource in graph:
        if resource.type.startswith("azure-native:") and resource.id:
            match = _SUBSCRIPTION.match(resource.id)
            if match:
                found.add(match.group("id").lower())
    return tuple(sorted(found))


def _location(value: Any) -> str:
    return str(value or "").replace(" ", "").lower()


def covers(resource: Resource, read: LiveRead) -> bool:
    """Whether ``read`` looked where ``resource`` lives (its subscription and location)."""
    match = _SUBSCRIPTION.match(resource.id or "")
    if match and match.group("id").lower() not in {s.lower() for s in read.scopes}:
        return False
    location = resource.get("location")
    return not read.regions or not isinstance(location, str) or \
        _location(location) in {_location(r) for r in read.regions}


# --- fetch layer ---------------------------------------------------------------


@dataclass
class Connection:
    """A proven credential, the subscription and the Resource Manager endpoint."""

    credential: Any
    subscription: str
    endpoint: str
    max_attempts: int
    backoff: float = 0.8

    @property
    def scope(self) -> str:
        """The token scope of the endpoint."""
        return self.endpoint.rstrip("/") + "/.default"

    def clients(self) -> tuple[Any, Any]:
        """Compute and Key Vault management clients with the audit's retry budget."""
        from azure.mgmt.compute import ComputeManagementClient
        from azure.mgmt.keyvault import KeyVaultManagementClient

        options: dict[str, Any] = {"base_url": self.endpoint, "credential_scopes": [self.scope],
                                   "retry_total": max(self.max_attempts - 1, 0),
                                   "retry_backoff_factor": self.backoff}
        return (ComputeManagementClient(self.credential, self.subscription, **options),
                KeyVaultManagementClient(self.credential, self.subscription, **options))


def default_credential() -> Any:
    """azure-identity's default chain (environment, workload identity, managed identity, CLIs)."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


def connect(options: LiveOptions, credential: Any = None) -> Connection:
    """Find credentials through ``DefaultAzureCredential`` and prove them with a token."""
    from azure.core.exceptions import AzureError, ClientAuthenticationError
    from azure.identity import CredentialUnavailableError

    subscription = options.subscription or os.environ.get("AZURE_SUBSCRIPTION_ID")
    if not subscription:
        raise CloudAccessError(CLOUD, "no subscription: pass --subscription or set "
                                      "AZURE_SUBSCRIPTION_ID")
    endpoint = (options.endpoint or DEFAULT_ENDPOINT).rstrip("/")
    connection = Connection(credential or default_credential(), subscription, endpoint,
                            options.max_attempts, options.retry_initial_delay)
    # azure-identity logs every credential it tried; the one line below says it all.
    identity_log = logging.getLogger("azure.identity")
    level = identity_log.level
    identity_log.setLevel(logging.CRITICAL)
    try:
        connection.credential.get_token(connection.scope)
    except CredentialUnavailableError:
        raise CloudAccessError(CLOUD, f"no credentials found by {_CHAIN}") from None
    except ClientAuthenticationError as error:
        if "DefaultAzureCredential failed to retrieve a token" in str(error):
            raise CloudAccessError(CLOUD, f"no usable credentials found by {_CHAIN}") from None
        raise CloudAccessError(CLOUD, "credentials refused by Microsoft Entra ID "
                                      f"({type(error).__name__})") from None
    except AzureError as error:
        raise CloudAccessError(CLOUD, f"cannot obtain a token ({type(error).__name__})") from None
    finally:
        identity_log.setLevel(level)
    return connection


class _Reader:
    def __init__(self, subscription: str) -> None:
        self.scope = subscription
        self.recorder = GapRecorder(CLOUD)

    def call(self, api: str, types: Sequence[str], function: Callable[..., T],
             *arguments: Any, subject: str | None = None) -> T | None:
        from azure.core.exceptions import AzureError, HttpResponseError

        try:
            return function(*arguments)
        except HttpResponseError as error:
            code = (error.error.code if error.error is not None else None) or \
                f"HTTP {error.status_code}"
            if error.status_code == 401:
                raise CloudAccessError(CLOUD, f"credentials refused by {api} ({code})") from None
            if error.status_code == 404 and subject is not None:
                return None
            self.recorder.add(self.scope, api, str(code), types, subject)
        except AzureError as error:
            self.recorder.add(self.scope, api, type(error).__name__, types, subject)
        return None


def _as_dicts(items: Iterable[Any]) -> list[dict[str, Any]]:
    return [item.as_dict() for item in items]


def read(connection: Connection, options: LiveOptions) -> LiveRead:
    """Every audited resource of the subscription (in ``options.regions``, when given)."""
    compute, keyvault = connection.clients()
    reader = _Reader(connection.subscription)
    vms = reader.call("Microsoft.Compute/virtualMachines/read", (facts.VIRTUAL_MACHINE,),
                      lambda: _as_dicts(compute.virtual_machines.list_all())) or []
    disks = reader.call("Microsoft.Compute/disks/read", (facts.DISK,),
                        lambda: _as_dicts(compute.disks.list())) or []
    sets = reader.call("Microsoft.Compute/diskEncryptionSets/read", (facts.DISK_ENCRYPTION_SET,),
                       lambda: _as_dicts(compute.disk_encryption_sets.list())) or []
    vaults = reader.call("Microsoft.KeyVault/vaults/read", (facts.VAULT, facts.KEY),
                         lambda: _as_dicts(keyvault.vaults.list_by_subscription())) or []
    hsms = reader.call("Microsoft.KeyVault/managedHSMs/read", (facts.MANAGED_HSM,),
                       lambda: _as_dicts(keyvault.managed_hsms.list_by_subscription())) or []
    wanted_locations = {_location(region) for region in options.regions}

    def in_scope(data: Mapping[str, Any]) -> bool:
        return not wanted_locations or _location(data.get("location")) in wanted_locations

    resources = [virtual_machine(d) for d in vms if in_scope(d)]
    resources += [disk(d) for d in disks if in_scope(d)]
    resources += [disk_encryption_set(d) for d in sets if in_scope(d)]
    resources += [vault(d) for d in vaults if in_scope(d)]
    resources += [managed_hsm(d) for d in hsms if in_scope(d)]
    key_urls = [s.get("properties", {}).get("activeKey", {}).get("keyUrl") for s in sets
                if in_scope(s)]
    for vault_name, key_name, group in _keys_to_read(key_urls, options.wanted, vaults):
        data = reader.call("Microsoft.KeyVault/vaults/keys/read", (facts.KEY,),
                           lambda g, v, k: keyvault.keys.get(g, v, k).as_dict(),
                           group, vault_name, key_name, subject=f"{vault_name}/{key_name}")
        if data is not None:
            resources.append(key(data))
    resources.sort(key=lambda r: r.urn)
    return LiveRead(CLOUD, (connection.subscription,), resources, reader.recorder.gaps(),
                    options.regions)


def _keys_to_read(key_urls: Iterable[Any], wanted: Iterable[str],
                  vaults: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """(vault, key, resource group) of every key a disk encryption set uses or the stack declares.

    Keys in a managed HSM are judged by their URL alone (an HSM holds them).
    """
    groups = {str(v.get("name", "")).lower(): _resource_group(str(v.get("id", "")))
              for v in vaults}
    found: set[tuple[str, str, str]] = set()
    for url in key_urls:
        if not isinstance(url, str):
            continue
        parsed = urlparse(url)
        host = parsed.hostname or ""
        parts = [p for p in parsed.path.split("/") if p]
        if not host.endswith(".vault.azure.net") and ".vault." not in host:
            continue
        if len(parts) < 2 or parts[0] != "keys":
            continue
        vault_name = host.split(".", 1)[0]
        group = groups.get(vault_name.lower())
        if group:
            found.add((vault_name, parts[1], group))
    for identifier in wanted:
        match = _KEY_ID.search(identifier)
        group = _resource_group(identifier)
        if match and group:
            found.add((match.group("vault"), match.group("key"), group))
    return sorted(found)


# --- catalogue ---------------------------------------------------------------

_CONFIDENTIAL_TYPES = {"SNP": "sev-snp", "TDX": "tdx"}


def resource_skus(connection: Connection, regions: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The virtual-machine resource SKUs of the subscription, as ARM JSON.

    A failed call is an error: a catalogue is never rebuilt from a partial read.
    """
    from azure.core.exceptions import AzureError

    compute, _ = connection.clients()
    filters: list[str | None] = [f"location eq '{r}'" for r in regions] or [None]
    found: list[dict[str, Any]] = []
    for sku_filter in filters:
        try:
            found += [s.as_dict() for s in compute.resource_skus.list(filter=sku_filter)]
        except AzureError as error:
            raise CloudAccessError(CLOUD, "Microsoft.Compute/skus/read failed "
                                          f"({type(error).__name__}); the catalogue was not "
                                          "rebuilt") from None
    return found


def sizes(skus: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Catalogue entries per VM size: vCPUs and the confidential VM technology (or "")."""
    found: dict[str, dict[str, Any]] = {}
    for sku in skus:
        if str(sku.get("resourceType", "")).lower() != "virtualmachines":
            continue
        capabilities = {str(c.get("name")): c.get("value") for c in sku.get("capabilities") or ()
                        if isinstance(c, Mapping)}
        confidential = str(capabilities.get("ConfidentialComputingType") or "")
        vcpus = capabilities.get("vCPUs")
        entry = found.setdefault(str(sku["name"]), {
            "vcpus": int(vcpus) if isinstance(vcpus, str) and vcpus.isdigit() else None,
            "confidential_vm": "",
        })
        technology = _CONFIDENTIAL_TYPES.get(confidential.upper(), confidential.lower())
        entry["confidential_vm"] = entry["confidential_vm"] or technology
    return dict(sorted(found.items()))
