"""GCP, read with google-cloud-compute and google-cloud-kms: instances, disks, and the
Cloud KMS crypto keys they use with their protection level.

Normalisers take the Compute and Cloud KMS REST JSON (camelCase, what the SDK
messages give with ``to_dict(preserving_proto_field_name=False)``) and give the
pulumi-gcp 10 shapes the rules read: ``gcp:compute/instance:Instance`` with
``confidentialInstanceConfig.confidentialInstanceType``, ``scheduling.onHostMaintenance``,
``minCpuPlatform``, ``bootDisk.kmsKeySelfLink``, ``bootDisk.initializeParams.image``,
``attachedDisks[]`` …; ``gcp:kms/cryptoKey:CryptoKey`` with
``versionTemplate.protectionLevel``.

Only the crypto keys that disks use (or the stack declares) are read, by name:
listing every key ring of every location would cost a call per location for
keys no workload depends on.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from custodes.custody import gcp as facts
from custodes.model import UNKNOWN, Graph, Resource, normalise_identifier
from custodes.sources.live import (
    CloudAccessError,
    GapRecorder,
    LiveOptions,
    LiveRead,
    clean,
    live_urn,
)

CLOUD = "gcp"
REGION_DISK = facts.REGION_DISK
READ_TYPES = (facts.INSTANCE, facts.DISK, REGION_DISK, facts.CRYPTO_KEY)
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
_PATH = re.compile(r"projects/[^/]+/(?:zones|regions|global)/.*$|projects/[^/]+/locations/.*$")
_CRYPTO_KEY = re.compile(r"(projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+)")
_PROJECT = re.compile(r"projects/(?P<project>[^/]+)/")

T = TypeVar("T")


# --- normalisers: REST JSON → Resources ---------------------------------------


def _short(url: Any) -> Any:
    """The last segment of a Compute URL (``…/zones/us-central1-a`` → ``us-central1-a``)."""
    return url.rstrip("/").rsplit("/", 1)[-1] if isinstance(url, str) and url else None


def _path(self_link: str) -> str:
    """The Pulumi id of a Compute resource: its self link without the API prefix."""
    match = _PATH.search(self_link)
    return match.group(0) if match else self_link


def _int(value: Any) -> Any:
    # Compute's int64 fields come as JSON strings.
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _disk_key(encryption: Any) -> Any:
    """``kmsKeySelfLink`` of a disk: the key name, ``UNKNOWN`` for a customer-supplied key."""
    if not isinstance(encryption, Mapping):
        return None
    if encryption.get("kmsKeyName"):
        return encryption["kmsKeyName"]
    # A customer-supplied key shows only its hash: who holds it cannot be read.
    return UNKNOWN if encryption.get("sha256") or encryption.get("rsaEncryptedKey") else None


def _attached(disk: Mapping[str, Any], disks: Mapping[str, Mapping[str, Any]],
              boot: bool) -> dict[str, Any]:
    source = disk.get("source")
    detail = disks.get(normalise_identifier(source)) if isinstance(source, str) else None
    key = _disk_key(disk.get("diskEncryptionKey"))
    if key is None and detail is not None:
        key = _disk_key(detail.get("diskEncryptionKey"))
    entry: dict[str, Any] = clean({"source": source, "deviceName": disk.get("deviceName"),
                                   "mode": disk.get("mode")})
    if key is not None:
        entry["kmsKeySelfLink"] = key
    if boot and detail is not None:
        entry["initializeParams"] = clean({
            "image": detail.get("sourceImage"),
            "size": _int(detail.get("sizeGb")),
            "type": _short(detail.get("type")),
        })
    return entry


def instance(data: Mapping[str, Any],
             disks: Mapping[str, Mapping[str, Any]] | None = None) -> Resource:
    """A ``gcp:compute/instance:Instance`` from the REST JSON of an instance.

    ``disks`` maps normalised disk self links to their REST JSON (the boot
    disk's image and a disk's own key live there).
    """
    disks = disks or {}
    self_link = str(data["selfLink"])
    attached = [d for d in data.get("disks") or () if isinstance(d, Mapping)]
    boot = next((d for d in attached if d.get("boot")), None)
    props = clean({
        "name": data.get("name"),
        "zone": _short(data.get("zone")),
        "machineType": _short(data.get("machineType")),
        "minCpuPlatform": data.get("minCpuPlatform"),
        "confidentialInstanceConfig": data.get("confidentialInstanceConfig"),
        "scheduling": {k: v for k, v in (data.get("scheduling") or {}).items()
                       if k in ("onHostMaintenance", "automaticRestart", "preemptible",
                                "provisioningModel")},
        "shieldedInstanceConfig": data.get("shieldedInstanceConfig"),
        "labels": data.get("labels"),
        "serviceAccount": (data.get("serviceAccounts") or [{}])[0],
    })
    if boot is not None:
        props["bootDisk"] = _attached(boot, disks, True)
    others = [_attached(d, disks, False) for d in attached if d is not boot]
    if others:
        props["attachedDisks"] = others
    path = _path(self_link)
    return Resource(
        urn=live_urn(CLOUD, facts.INSTANCE, path),
        type=facts.INSTANCE,
        name=str(data.get("name") or path.rsplit("/", 1)[-1]),
        props=props,
        outputs=clean({"selfLink": self_link, "id": path, "instanceId": data.get("id"),
                       "cpuPlatform": data.get("cpuPlatform"), "status": data.get("status")}),
        id=path,
    )


def disk(data: Mapping[str, Any]) -> Resource:
    """A ``gcp:compute/disk:Disk`` (or ``regionDisk``) from the REST JSON of a disk."""
    self_link = str(data["selfLink"])
    regional = "/regions/" in self_link
    type_token = REGION_DISK if regional else facts.DISK
    props = clean({
        "name": data.get("name"),
        "zone": _short(data.get("zone")),
        "region": _short(data.get("region")),
        "type": _short(data.get("type")),
        "size": _int(data.get("sizeGb")),
        "image": data.get("sourceImage"),
        "snapshot": data.get("sourceSnapshot"),
        "labels": data.get("labels"),
        # Confidential mode for Hyperdisk (compute_v1.Disk.enable_confidential_compute):
        # a confidential volume, judged live as declared.
        "enableConfidentialCompute": data.get("enableConfidentialCompute"),
    })
    key = _disk_key(data.get("diskEncryptionKey"))
    if key is not None:
        props["diskEncryptionKey"] = {"kmsKeySelfLink": key}
    path = _path(self_link)
    return Resource(
        urn=live_urn(CLOUD, type_token, path),
        type=type_token,
        name=str(data.get("name") or path.rsplit("/", 1)[-1]),
        props=props,
        outputs=clean({"selfLink": self_link, "id": path, "users": data.get("users")}),
        id=path,
    )


def crypto_key(data: Mapping[str, Any]) -> Resource:
    """A ``gcp:kms/cryptoKey:CryptoKey`` from the REST JSON of a crypto key.

    The protection level judged is the primary version's when KMS reports
    one — the key material that encrypts today — else the version template's.
    """
    name = str(data["name"])
    template = dict(data.get("versionTemplate") or {})
    primary = data.get("primary") or {}
    if primary.get("protectionLevel"):
        template["protectionLevel"] = primary["protectionLevel"]
    props = clean({
        "name": name.rsplit("/", 1)[-1],
        "keyRing": name.rsplit("/cryptoKeys/", 1)[0],
        "purpose": data.get("purpose"),
        "versionTemplate": template,
        "cryptoKeyBackend": data.get("cryptoKeyBackend"),
        "rotationPeriod": data.get("rotationPeriod"),
        "labels": data.get("labels"),
    })
    return Resource(
        urn=live_urn(CLOUD, facts.CRYPTO_KEY, name),
        type=facts.CRYPTO_KEY,
        name=name.rsplit("/", 1)[-1],
        props=props,
        outputs=clean({"id": name, "primary": {"name": primary.get("name"),
                                               "state": primary.get("state")}}),
        id=name,
    )


def crypto_key_name(value: Any) -> str | None:
    """The crypto key a key or key-version name belongs to."""
    if not isinstance(value, str):
        return None
    match = _CRYPTO_KEY.search(value)
    return match.group(1) if match else None


# --- scope -------------------------------------------------------------------


def stack_scope(graph: Graph) -> tuple[str, ...]:
    """The projects a stack's GCP resources live in (from their ids and self links)."""
    found: set[str] = set()
    for resource in graph:
        if not resource.type.startswith("gcp:"):
            continue
        for value in (resource.id, resource.outputs.get("selfLink")
                      if isinstance(resource.outputs, Mapping) else None):
            match = _PROJECT.search(value) if isinstance(value, str) else None
            if match:
                found.add(match.group("project"))
    return tuple(sorted(found))


def covers(resource: Resource, read: LiveRead) -> bool:
    """Whether ``read`` looked where ``resource`` lives (its project and zone or region).

    Crypto keys are read by name wherever they are, so a read always covers them.
    """
    if resource.type == facts.CRYPTO_KEY:
        return True
    match = _PROJECT.search(resource.id or "")
    if match and match.group("project") not in read.scopes:
        return False
    where = resource.get("zone") or resource.get("region")
    return not isinstance(where, str) or _in_regions(where, read.regions)


def _in_regions(scope_name: str, regions: Sequence[str]) -> bool:
    if not regions:
        return True
    where = scope_name.rsplit("/", 1)[-1]
    return any(where == region or where.startswith(f"{region}-") for region in regions)


# --- fetch layer ---------------------------------------------------------------


def _import_quietly() -> tuple[Any, Any]:
    # google-api-core warns about the Python version on import; not the user's concern here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        from google.cloud import compute_v1, kms_v1
    return compute_v1, kms_v1


@dataclass
class Connection:
    """Proven credentials, the project and the API endpoint (``None``: Google's)."""

    credentials: Any
    project: str
    endpoint: str | None = None

    def client_options(self) -> dict[str, str]:
        """``client_options`` of every client: the endpoint override, if any."""
        return {"api_endpoint": self.endpoint} if self.endpoint else {}


def default_credentials() -> tuple[Any, str | None]:
    """Application Default Credentials and their project, as google-auth finds them."""
    import google.auth

    credentials, project = google.auth.default(scopes=list(SCOPES))
    return credentials, project


def connect(options: LiveOptions, credentials: Any = None) -> Connection:
    """Find Application Default Credentials and prove them with a token refresh."""
    import google.auth.exceptions
    import google.auth.transport.requests

    project = options.project
    if credentials is None:
        try:
            credentials, found_project = default_credentials()
        except google.auth.exceptions.DefaultCredentialsError:
            raise CloudAccessError(CLOUD, "no credentials found by Application Default "
                                          "Credentials (GOOGLE_APPLICATION_CREDENTIALS, "
                                          "gcloud auth application-default login, the "
                                          "metadata server)") from None
        project = project or found_project
        try:
            credentials.refresh(google.auth.transport.requests.Request())
        except google.auth.exceptions.RefreshError:
            raise CloudAccessError(CLOUD, "credentials refused by the token endpoint "
                                          "(RefreshError)") from None
        except google.auth.exceptions.TransportError as error:
            raise CloudAccessError(CLOUD, f"cannot reach the token endpoint "
                                          f"({type(error).__name__})") from None
    if not project:
        raise CloudAccessError(CLOUD, "no project: pass --project or set GOOGLE_CLOUD_PROJECT")
    return Connection(credentials, project, options.endpoint)


def retry_policy(options: LiveOptions) -> Any:
    """google-api-core's retry on throttling and unavailability, ``max_attempts`` deep."""
    from google.api_core import exceptions as core_exceptions
    from google.api_core import retry as retries

    delays = [min(options.retry_initial_delay * 2 ** n, 30.0)
              for n in range(max(options.max_attempts - 1, 0))]
    return retries.Retry(
        predicate=retries.if_exception_type(core_exceptions.TooManyRequests,
                                            core_exceptions.ServiceUnavailable),
        initial=options.retry_initial_delay, multiplier=2.0, maximum=30.0,
        # api-core bounds a retry by time; twice the planned backoff leaves room for jitter.
        timeout=2 * sum(delays) + 1.0,
    )


class _Reader:
    def __init__(self, project: str) -> None:
        self.scope = project
        self.recorder = GapRecorder(CLOUD)

    def call(self, api: str, types: Sequence[str], function: Callable[..., T],
             *arguments: Any, subject: str | None = None) -> T | None:
        import google.auth.exceptions
        import requests
        from google.api_core import exceptions as core_exceptions
        from google.protobuf.json_format import ParseError

        try:
            return function(*arguments)
        except core_exceptions.Unauthorized:  # HTTP 401, gRPC UNAUTHENTICATED
            raise CloudAccessError(CLOUD, f"credentials refused by {api} "
                                          "(UNAUTHENTICATED)") from None
        except google.auth.exceptions.RefreshError:
            raise CloudAccessError(CLOUD, f"credentials refused while calling {api} "
                                          "(RefreshError)") from None
        except core_exceptions.NotFound:
            if subject is not None:
                return None
            self.recorder.add(self.scope, api, "NOT_FOUND", types)
        except core_exceptions.RetryError:
            self.recorder.add(self.scope, api, "RETRIES_EXHAUSTED", types, subject)
        except core_exceptions.GoogleAPICallError as error:
            self.recorder.add(self.scope, api, _reason(error), types, subject)
        except (google.auth.exceptions.TransportError, requests.RequestException,
                ParseError) as error:
            self.recorder.add(self.scope, api, type(error).__name__, types, subject)
        except google.auth.exceptions.GoogleAuthError as error:
            raise CloudAccessError(CLOUD, f"credentials unusable for {api} "
                                          f"({type(error).__name__})") from None
        return None


def _reason(error: Any) -> str:
    """The status a Google API error names (``PERMISSION_DENIED``), else its class."""
    if getattr(error, "reason", None):
        return str(error.reason)
    response = getattr(error, "response", None)
    try:
        return str(response.json()["error"]["status"])  # type: ignore[union-attr]
    except (AttributeError, KeyError, TypeError, ValueError):
        return type(error).__name__


def _json(message: Any) -> dict[str, Any]:
    return dict(type(message).to_dict(message, preserving_proto_field_name=False,
                                      use_integers_for_enums=False,
                                      always_print_fields_with_no_presence=False))


def _aggregated(reader: _Reader, api: str, types: Sequence[str], list_call: Callable[[], Any],
                field: str, regions: Sequence[str]) -> list[dict[str, Any]]:
    """Every item of an aggregated list, with unreachable zones recorded as gaps."""

    def collect() -> tuple[list[dict[str, Any]], list[str]]:
        items: list[dict[str, Any]] = []
        unreachable: list[str] = []
        for page in list_call().pages:
            response = _json(page)
            unreachable.extend(response.get("unreachables") or ())
            for scope_name, scoped in (response.get("items") or {}).items():
                if _in_regions(scope_name, regions):
                    items.extend(scoped.get(field) or ())
        return items, unreachable

    result = reader.call(api, types, collect)
    if result is None:
        return []
    items, unreachable = result
    for scope_name in unreachable:
        if _in_regions(scope_name, regions):
            reader.recorder.add(f"{reader.scope}/{scope_name}", api, "UNREACHABLE", types)
    return items


def read(connection: Connection, options: LiveOptions) -> LiveRead:
    """Every instance and disk of the project (in ``options.regions``) and their crypto keys."""
    compute_v1, kms_v1 = _import_quietly()
    common = {"transport": "rest", "credentials": connection.credentials,
              "client_options": connection.client_options()}
    instances_client = compute_v1.InstancesClient(**common)
    disks_client = compute_v1.DisksClient(**common)
    kms = kms_v1.KeyManagementServiceClient(**common)
    retry = retry_policy(options)
    reader = _Reader(connection.project)
    regions = options.regions

    disk_data = _aggregated(
        reader, "compute.disks.aggregatedList", (facts.DISK, REGION_DISK, facts.INSTANCE),
        lambda: disks_client.aggregated_list(request=compute_v1.AggregatedListDisksRequest(
            project=connection.project, return_partial_success=True), retry=retry),
        "disks", regions)
    instance_data = _aggregated(
        reader, "compute.instances.aggregatedList", (facts.INSTANCE,),
        lambda: instances_client.aggregated_list(
            request=compute_v1.AggregatedListInstancesRequest(
                project=connection.project, return_partial_success=True), retry=retry),
        "instances", regions)
    by_link = {normalise_identifier(str(d["selfLink"])): d for d in disk_data if "selfLink" in d}
    resources = [disk(d) for d in disk_data if "selfLink" in d]
    resources += [instance(d, by_link) for d in instance_data if "selfLink" in d]

    key_names: set[str] = set()
    for data in [*disk_data, *(d for i in instance_data for d in i.get("disks") or ())]:
        name = crypto_key_name((data.get("diskEncryptionKey") or {}).get("kmsKeyName"))
        if name:
            key_names.add(name)
    key_names.update(n for n in map(crypto_key_name, options.wanted) if n)
    for name in sorted(key_names):
        data = reader.call("cloudkms.cryptoKeys.get", (facts.CRYPTO_KEY,),
                           lambda n: _json(kms.get_crypto_key(name=n, retry=retry)),
                           name, subject=name)
        if data is not None:
            resources.append(crypto_key(data))
    resources.sort(key=lambda r: r.urn)
    return LiveRead(CLOUD, (connection.project,), resources, reader.recorder.gaps(),
                    options.regions)


# --- catalogue ---------------------------------------------------------------


def machine_types(connection: Connection, options: LiveOptions) -> list[dict[str, Any]]:
    """Every machine type the project sees (in ``options.regions``), as REST JSON.

    A failed call is an error: a catalogue is never rebuilt from a partial read.
    """
    compute_v1, _ = _import_quietly()
    client = compute_v1.MachineTypesClient(transport="rest", credentials=connection.credentials,
                                           client_options=connection.client_options())
    reader = _Reader(connection.project)
    found = _aggregated(
        reader, "compute.machineTypes.aggregatedList", ("machine types",),
        lambda: client.aggregated_list(request=compute_v1.AggregatedListMachineTypesRequest(
            project=connection.project, return_partial_success=True),
            retry=retry_policy(options)),
        "machineTypes", options.regions)
    gaps = reader.recorder.gaps()
    if gaps:
        gap = gaps[0]
        raise CloudAccessError(CLOUD, f"{gap.api} in {gap.scope} failed ({gap.reason}); the "
                                      "catalogue was not rebuilt")
    return found


def confidential_machine_types(found: Iterable[Mapping[str, Any]],
                               series: Mapping[str, Sequence[str]],
                               named: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Per technology, the live machine types of the series Google documents for it.

    The Compute API has no confidential-support field on machine types, so the
    series table decides; the live list says which types of those series exist.
    Types the catalogue names one by one (``a3-highgpu-1g`` for TDX) are kept.
    """
    names = {str(m["name"]) for m in found if m.get("name")}
    result: dict[str, list[str]] = {}
    for technology in sorted({*series, *named}):
        members = set(series.get(technology, ()))
        chosen = {n for n in names if n.split("-", 1)[0].lower() in members}
        chosen.update(named.get(technology, ()))
        result[technology] = sorted(chosen)
    return result
