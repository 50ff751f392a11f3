"""Pulumi's JSON encodings, read into :class:`~custodes.model.Resource` objects.

One reader for the shapes that ``pulumi stack export``, ``pulumi preview --json``
and the offline program runner share: resource states (``urn``, ``type``,
``inputs``, ``outputs``, ``parent``, ``dependencies``, ``propertyDependencies`` …)
and property values with Pulumi's special signatures — unknowns, secrets,
resource references, output values and assets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlparse

import ahocorasick_rs

from custodes.errors import InputError
from custodes.model import UNKNOWN, Resource, Secret, SourcePosition

UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
MASKED_SECRET = "[secret]"

_SOURCE_POSITION = re.compile(r"^(?P<uri>.+?)#(?P<line>\d+)(?:,(?P<column>\d+))?$")


# Inputs that hold key material or a credential, whether or not the program marked
# them secret (provider SDKs mark top-level secrets only): their values are kept
# opaque, so no message can ever show one.
SECRET_INPUTS = frozenset({
    "keyMaterialBase64",  # aws.kms.ExternalKey
    "keyStorePassword",  # aws.kms.CustomKeyStore (the CloudHSM kmsuser password)
    "rawSecretAccessKey",  # aws.kms.CustomKeyStore xksProxyAuthenticationCredential
    "diskEncryptionKeyRaw",  # gcp.compute.Instance boot and attached disks
    "diskEncryptionKeyRsa",
    "rawKey",  # gcp.compute.Disk diskEncryptionKey, snapshot and image keys
    "rsaEncryptedKey",
})


# What in a document's bytes may need :func:`decode_value`: the signatures, the unknown
# and masked values, the names of SECRET_INPUTS, and an escape that could spell any of
# them (``\u0034dab…``: a letter, digit, ``-``, ``[`` or ``]`` written as ``\u00XX``).
_DECODED_MARKERS = (
    SIG_KEY.encode(), UNKNOWN_VALUE.encode(), f'"{MASKED_SECRET}"'.encode(),
    *(f'"{name}"'.encode() for name in sorted(SECRET_INPUTS)),
)
_SPELLING_ESCAPE = re.compile(
    rb"\\u00(?:2[dD]|3[0-9]|4[1-9a-fA-F]|5[0-9abdABD]|6[1-9a-fA-F]|7[0-9aA])")


# Every marker in one pass (the Rust aho-corasick crate, whose SIMD prefilter skips what
# cannot start one): ten `in` scans took 70 ms of CPU on a 25 MB export, this 3 ms.
_MARKER_SEARCH = ahocorasick_rs.BytesAhoCorasick(
    list(_DECODED_MARKERS), matchkind=ahocorasick_rs.MatchKind.LeftmostFirst)
# The search lists every match: chunks bound that list where markers abound (a preview).
_SCAN_CHUNK = 1 << 20
_SCAN_OVERLAP = max(map(len, _DECODED_MARKERS)) - 1


def needs_decoding(data: bytes) -> bool:
    """Whether any value of the JSON text ``data`` may differ once decoded.

    False means that :func:`decode_value` would return every value of the
    document as it is: no signature, no unknown, no masked secret, no input
    :data:`SECRET_INPUTS` names, and no escape that could spell one. A scan of
    the bytes (milliseconds for 100 MB) spares the walk of every value.
    """
    with memoryview(data) as view:
        for start in range(0, len(data), _SCAN_CHUNK):
            # Chunks overlap by a marker's length less one: one across a boundary is seen.
            if _MARKER_SEARCH.find_matches_as_indexes(
                    view[start:start + _SCAN_CHUNK + _SCAN_OVERLAP]):
                return True
    return b"\\" in data and bool(_SPELLING_ESCAPE.search(data))  # one memchr when no escape


def decode_value(value: Any) -> Any:
    """A property value with Pulumi's signatures turned into custodes' values.

    Unknowns become :data:`~custodes.model.UNKNOWN`; secrets become
    :class:`~custodes.model.Secret` (ciphertext is dropped, plaintext kept
    opaque), and so do the values of :data:`SECRET_INPUTS`; resource
    references become the referenced URN; output values their value, or
    ``UNKNOWN``. Any depth of nesting that JSON can hold is decoded.
    """
    try:
        return _decode(value)
    except RecursionError:
        # Deeper than the interpreter's stack: the same decoding, without recursion.
        return _decode_deep(value)


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        if value == UNKNOWN_VALUE:
            return UNKNOWN
        if value == MASKED_SECRET:
            return Secret()
        return value
    if isinstance(value, list):
        return [_decode_item(item) for item in value]
    if not isinstance(value, dict):
        return value
    signature = value.get(SIG_KEY)
    if signature == SECRET_SIG:
        return Secret(_secret_plaintext(value))
    if signature == RESOURCE_REFERENCE_SIG:
        return _reference(value)
    if signature == OUTPUT_VALUE_SIG:
        inner = _decode(value["value"]) if "value" in value else UNKNOWN
        return Secret(inner) if value.get("secret") else inner
    decoded = {str(key): _decode_item(item) for key, item in value.items()}
    if not SECRET_INPUTS.isdisjoint(decoded):
        for name in SECRET_INPUTS.intersection(decoded):
            decoded[name] = _opaque(decoded[name])
    return decoded


def _opaque(value: Any) -> Any:
    """A credential or key material as a :class:`Secret` (absence and unknown stay what they are)."""
    if value is None or value == "" or value is UNKNOWN or isinstance(value, Secret):
        return value
    return Secret(value)


def _decode_item(item: Any) -> Any:
    """:func:`decode_value` of one element, with the common leaves decoded in place.

    Most of a large stack is plain strings and numbers: deciding them here
    saves a call per leaf (a tenth of the time to read 100,000 resources).
    """
    kind = type(item)
    if kind is str:
        if item == UNKNOWN_VALUE:
            return UNKNOWN
        return Secret() if item == MASKED_SECRET else item
    if kind is bool or kind is int or kind is float or item is None:
        return item
    return _decode(item)


def _secret_plaintext(value: Mapping[str, Any]) -> Any:
    if "plaintext" in value:
        plaintext = value["plaintext"]
        # Stack exports keep a secret's plaintext as a JSON-encoded string.
        if isinstance(plaintext, str):
            try:
                return _decode(json.loads(plaintext))
            except ValueError:
                return plaintext
        return _decode(plaintext)
    if "value" in value:
        return _decode(value["value"])
    return None  # ciphertext only: it stays opaque


_RAW = object()  # marks a value to store as it is, undecoded


def _decode_deep(value: Any) -> Any:
    """:func:`_decode` with an explicit stack instead of recursion (same result)."""
    root: list[Any] = [None]
    # (raw value, container, key): decode raw into container[key].
    work: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    # (container, key, holder, secret): once everything is decoded, innermost first,
    # container[key] becomes holder[0], wrapped in a Secret when secret is true.
    wraps: list[tuple[Any, Any, list[Any], bool]] = []
    opaque: list[tuple[dict[str, Any], str]] = []
    while work:
        raw, container, key = work.pop()
        if isinstance(raw, tuple) and raw and raw[0] is _RAW:
            container[key] = raw[1]
        elif isinstance(raw, str | list) or not isinstance(raw, dict):
            if isinstance(raw, list):
                items: list[Any] = [None] * len(raw)
                container[key] = items
                work.extend((item, items, index) for index, item in enumerate(raw))
            else:
                container[key] = _decode(raw)  # a leaf: no recursion
        elif raw.get(SIG_KEY) in (SECRET_SIG, OUTPUT_VALUE_SIG):
            holder: list[Any] = [None]
            if raw[SIG_KEY] == OUTPUT_VALUE_SIG:
                wraps.append((container, key, holder, bool(raw.get("secret"))))
                work.append((raw.get("value", (_RAW, UNKNOWN)), holder, 0))
                continue
            wraps.append((container, key, holder, True))
            if "plaintext" in raw and isinstance(raw["plaintext"], str):
                try:
                    work.append((json.loads(raw["plaintext"]), holder, 0))
                except (ValueError, RecursionError):
                    work.append(((_RAW, raw["plaintext"]), holder, 0))
            elif "plaintext" in raw or "value" in raw:
                work.append((raw.get("plaintext", raw.get("value")), holder, 0))
        elif raw.get(SIG_KEY) == RESOURCE_REFERENCE_SIG:
            container[key] = _reference(raw)
        else:
            mapping: dict[str, Any] = dict.fromkeys(str(name) for name in raw)
            container[key] = mapping
            work.extend((item, mapping, str(name)) for name, item in raw.items())
            opaque.extend((mapping, name) for name in SECRET_INPUTS.intersection(mapping))
    for container, key, holder, secret in reversed(wraps):
        container[key] = Secret(holder[0]) if secret else holder[0]
    for mapping, name in opaque:
        mapping[name] = _opaque(mapping[name])
    return root[0]


def _urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _urn_type(urn: str) -> str:
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


def provider_urn(reference: Any) -> str | None:
    """The URN part of a provider reference (``urn::id``)."""
    if not isinstance(reference, str) or not reference:
        return None
    return _provider_urn(reference)


@lru_cache(maxsize=1024)
def _provider_urn(reference: str) -> str:
    # A stack has a few providers, each named by every resource it manages.
    return reference.rsplit("::", 1)[0] if reference.count("::") >= 4 else reference


def source_position(value: Any) -> SourcePosition | None:
    """A ``sourcePosition`` (``project:///main.py#12,5`` or ``file://…``) as a position."""
    if isinstance(value, str):  # the CLI's spelling, tested first (no ABC check)
        return _position_of_text(value)
    if isinstance(value, Mapping):
        return _position(value.get("uri"), value.get("line"), value.get("column", 0))
    return None


@lru_cache(maxsize=4096)
def _position_of_text(value: str) -> SourcePosition | None:
    # Many resources of a stack share a line (a loop): parse each spelling once.
    match = _SOURCE_POSITION.match(value)
    if not match:
        return None
    return _position(match.group("uri"), match.group("line"), match.group("column") or 0)


def _position(uri: Any, line: Any, column: Any) -> SourcePosition | None:
    if not isinstance(uri, str) or not uri:
        return None
    try:
        line_number, column_number = int(str(line)), int(str(column))
    except ValueError:
        return None
    parsed = urlparse(uri)
    path = unquote(parsed.path) if parsed.scheme in ("file", "project") else uri
    if parsed.scheme == "project":
        path = path.lstrip("/")
    return SourcePosition(path, line_number, column_number)


def resource_from_state(state: Any, where: str, decoded: bool = False) -> Resource:
    """A :class:`Resource` from one resource state of an export, a preview step or the runner.

    ``decoded``: the caller knows that no value needs :func:`decode_value`
    (:func:`needs_decoding` of the document said so); inputs and outputs are
    then taken as they are.
    """
    # ``type(…) is dict`` first: what JSON decodes to, without an ABC check per resource.
    if type(state) is not dict and not isinstance(state, Mapping):
        raise InputError(f"{where}: a resource is not a JSON object")
    urn = state.get("urn")
    if not isinstance(urn, str) or not urn.startswith("urn:pulumi:"):
        raise InputError(f"{where}: a resource has no valid 'urn'")
    type_token = state.get("type")
    if not isinstance(type_token, str) or not type_token:
        type_token = _urn_type(urn)
    inputs = state.get("inputs")
    if type(inputs) is not dict:  # what JSON decodes to: no call for the usual case
        inputs = _object(inputs, where, urn, "inputs")
    outputs = state.get("outputs")
    if type(outputs) is not dict:
        outputs = _object(outputs, where, urn, "outputs")
    decoded_inputs = inputs if decoded else _whole(decode_value(inputs), where, urn, "inputs")
    decoded_outputs = outputs if decoded else _whole(decode_value(outputs), where, urn,
                                                     "outputs")
    secret_outputs = state.get("additionalSecretOutputs")
    if isinstance(secret_outputs, list) and secret_outputs:
        decoded_inputs, decoded_outputs = (
            _with_secret(dict(decoded_inputs), secret_outputs),
            _with_secret(dict(decoded_outputs), secret_outputs),
        )
    dependencies = state.get("dependencies") or []
    property_dependencies = state.get("propertyDependencies") or {}
    if not isinstance(dependencies, list) or (type(property_dependencies) is not dict
                                          and not isinstance(property_dependencies, Mapping)):
        raise InputError(f"{where}: resource {urn} has malformed dependencies")
    identifier = state.get("id")
    parent = state.get("parent")
    # Positional: 15,000 resources of an export, and matching twelve keywords costs more
    # than building the record (0.6 µs against 0.7 µs). In Resource's field order.
    return Resource(
        urn,
        type_token,
        _urn_name(urn),
        decoded_inputs or decoded_outputs,  # props: a resource read from the cloud has outputs only
        decoded_outputs,
        identifier if isinstance(identifier, str) and identifier else None,  # id
        bool(state.get("custom", True)),
        parent if isinstance(parent, str) else None,
        provider_urn(state.get("provider")),
        tuple([d for d in dependencies if isinstance(d, str)]) if dependencies else (),
        {str(name): tuple([u for u in urns if isinstance(u, str)])
         for name, urns in property_dependencies.items()
         if isinstance(urns, list)} if property_dependencies else {},
        source_position(state.get("sourcePosition")),
    )


def _reference(value: Mapping[str, Any]) -> Any:
    """What a resource reference names: its id when that is plain text, else its URN.

    An id that is itself a secret (or any other object) is never taken as text: the
    URN names the same resource without showing it.
    """
    identifier, urn = value.get("id"), value.get("urn")
    if isinstance(identifier, str) and identifier:
        return identifier
    return urn if isinstance(urn, str) and urn else UNKNOWN


def _whole(value: Any, where: str, urn: str, field: str) -> Mapping[str, Any]:
    """A resource's decoded inputs or outputs as a mapping every rule can read.

    A Pulumi secret in place of the whole object is judged on its plaintext, each
    property still a secret; one whose plaintext the document lacks, or an unknown or
    reference in its place, is one clear error naming the field: never a rule crash,
    never an empty resource that passes.
    """
    if isinstance(value, Mapping):
        return value
    if isinstance(value, Secret):
        plaintext = value.reveal()
        if isinstance(plaintext, Mapping):
            try:
                return {str(key): _secret_leaves(item) for key, item in plaintext.items()}
            except RecursionError:
                pass
    raise InputError(f"{where}: '{field}' of {urn} is a Pulumi secret, unknown value or "
                     "reference as a whole, whose properties cannot be read")


def _secret_leaves(value: Any) -> Any:
    """``value`` with every leaf a :class:`Secret`: the structure readable, no value shown."""
    if isinstance(value, Mapping):
        return {str(key): _secret_leaves(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_secret_leaves(item) for item in value]
    return value if isinstance(value, Secret) or value is UNKNOWN or value is None \
        else Secret(value)


def _object(value: Any, where: str, urn: str, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{where}: '{field}' of {urn} is not a JSON object")
    return value


def _with_secret(properties: dict[str, Any], names: list[Any]) -> dict[str, Any]:
    """``properties`` with the values of ``names`` (``additionalSecretOutputs``) kept secret."""
    chosen = {str(name) for name in names} & properties.keys()
    if not chosen:
        return properties
    return {name: _opaque(item) if name in chosen else item for name, item in properties.items()}
