"""Resource *shapes*, and the net that keeps an unmodelled confidential resource from passing.

A confidential workload can be declared through many resource types and several
providers of one cloud (``aws`` and ``aws-native``; ``azure-native`` and the classic
``azure``; instances, templates, scale sets, node pools, notebooks …). Each cloud
module keeps one table of shapes, ``SHAPES`` (type token → shape): where the
confidential switch is, where the size is, where each disk and its key reference
are. The cloud's custody code reads the table; rules never list type tokens one by
one. The pieces every cloud shares live here:

* :class:`Switch` — one place where a shape turns a TEE technology on, and how to
  read it (an on/off switch, or a typed one whose value names the technology);
* :class:`Shape` — the base of each cloud's shape (its switches and size);
* :func:`unmodelled_workloads` — the *no-silent-pass* net: any resource, of any
  type and any provider, that no cloud module models but whose properties turn on
  a confidential-computing switch at any depth is a confidential workload whose
  custody is unresolved. Only resources of unmodelled types are scanned, once.

Each cloud module exports ``SHAPES``, ``MODELLED_TYPES`` (every type its custody
and rules read: shapes, keys, vaults, roles …), ``OUT_OF_SCOPE`` (type token →
why a type with a confidential input is deliberately not modelled),
``is_confidential(resource)`` (and, where a shape is confidential through another
resource of the stack, ``is_confidential_in(resource, graph)``) and ``workloads(graph)``; :mod:`custodes.custody`
lists the modules.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping
from dataclasses import field
from functools import lru_cache
from typing import Any, Final

from custodes.custody import KeyCustody, Workload
from custodes.model import UNKNOWN, Graph, Resource, Secret, readable
from custodes.model.resource import type_module
from custodes.records import record

UNKNOWN_TECHNOLOGY: Final = "unknown"
"""The technology of a switch whose value is not known (or not one custodes knows)."""

# The silicon vendor behind each technology (the facts reference, "The model").
FOUNDERS: Final[Mapping[str, str]] = {
    "sev": "AMD",
    "sev-snp": "AMD",
    "tdx": "Intel",
    "sgx": "Intel",
    "nitro-enclaves": "AWS",
    "secure-execution": "IBM",
    # GCP Confidential mode for Hyperdisk: the disk key is used in plaintext only in an
    # AMD SEV-ES enclave of the storage infrastructure (NCC Group, "Public Report –
    # Confidential Mode for Hyperdisk – DEK Protection Analysis", 2024).
    "confidential-storage": "AMD",
}

# The clouds whose provider packages custodes recognises, by package (type module).
CLOUD_OF_PACKAGE: Final[Mapping[str, str]] = {
    "aws": "aws",
    "aws-native": "aws",
    "azure": "azure",
    "azure-native": "azure",
    "gcp": "gcp",
    "google-native": "gcp",
    "oci": "oci",
    "ibm": "ibm",
    "alicloud": "alicloud",
}
PROVIDER_OF_CLOUD: Final[Mapping[str, str]] = {
    "aws": "AWS",
    "azure": "Microsoft",
    "gcp": "Google",
    "oci": "Oracle",
    "ibm": "IBM",
    "alicloud": "Alibaba",
}

_OFF_TEXT: Final = frozenset({"", "false", "disabled", "disable", "none", "off", "no", "0",
                              "standard", "unspecified"})


def founder(technology: str) -> str:
    """The founder (silicon vendor) of a technology label; ``unknown`` when not known."""
    return FOUNDERS.get(technology, "unknown")


@lru_cache(maxsize=256)
def founders(technologies: tuple[str, ...]) -> tuple[str, ...]:
    """The founders of a workload's technologies, each once, in their order."""
    return tuple(dict.fromkeys(founder(technology) for technology in technologies))


@lru_cache(maxsize=1024)
def _text_on(value: str) -> bool:
    # A stack spells its switches a few ways ("enabled", "true"): each judged once.
    text = value.strip().lower()
    return text not in _OFF_TEXT and not text.endswith("_unspecified")


@record
class Switch:
    """One place (a dotted camelCase ``path``) where a shape turns a technology on.

    An on/off switch names its ``technology`` (``amdSevSnp: enabled`` → ``sev-snp``);
    a typed switch maps its values, compared case-insensitively, to technologies
    (``confidentialInstanceType: SEV_SNP`` → ``sev-snp``). ``off`` lists the values of
    a typed switch that mean "not confidential" for a field shared with other uses
    (``securityType: TrustedLaunch``); any other value it does not map is unknown.
    """

    path: str
    technology: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    off: frozenset[str] = frozenset()

    def read(self, resource: Resource, prefix: str = "") -> str | None:
        """The technology this switch turns on, ``None`` when off or absent.

        :data:`UNKNOWN_TECHNOLOGY` when the value is unknown, a secret whose
        plaintext the source did not have, or a typed value custodes does not know.
        """
        return self.interpret(resource.get(prefix + self.path))

    def interpret(self, value: Any) -> str | None:
        """The technology a value read at this switch's path turns on (see :meth:`read`)."""
        if value is None:  # absent: most switches of most resources
            return None
        if isinstance(value, Secret):
            value = value.reveal()
            if value is None:
                return UNKNOWN_TECHNOLOGY
        if value is UNKNOWN:
            return UNKNOWN_TECHNOLOGY
        if value is None:
            return None
        if self.values:
            if not isinstance(value, str) or not _text_on(value) \
                    or value.strip().upper() in self.off:
                return None
            return self.values.get(value.strip().upper(), UNKNOWN_TECHNOLOGY)
        on = value if isinstance(value, bool) else isinstance(value, str) and _text_on(value)
        return self.technology if on else None


@record
class Shape:
    """Where a resource type keeps its confidential settings.

    ``prefix`` is prepended to every path of the shape (``virtualMachineProfile.`` for
    a scale set, ``gceSetup.`` for a Workbench instance); ``size`` is the path of the
    size or machine type. Cloud modules extend this with their disks and keys.
    """

    type: str
    switches: tuple[Switch, ...]
    size: str | None = None
    prefix: str = ""

    def technologies(self, resource: Resource) -> tuple[str, ...]:
        """The technologies turned on, in switch order; may hold :data:`UNKNOWN_TECHNOLOGY`."""
        found: list[str] = []
        for switch in self.switches:
            technology = switch.read(resource, self.prefix)
            if technology is not None and technology not in found:
                found.append(technology)
        if len(found) > 1 and UNKNOWN_TECHNOLOGY in found:
            # One switch is on for sure; another unknown one adds nothing to tell.
            found.remove(UNKNOWN_TECHNOLOGY)
        return tuple(found)

    def confidential(self, resource: Resource) -> bool | None:
        """Whether a technology is on: ``None`` when a switch is unknown and none is on."""
        found = self.technologies(resource)
        if not found:
            return False
        return None if found == (UNKNOWN_TECHNOLOGY,) else True

    def get(self, resource: Resource, path: str, default: Any = None) -> Any:
        """The value at ``path`` under the shape's prefix."""
        return resource.get(self.prefix + path, default)

    def size_of(self, resource: Resource) -> Any:
        """The declared size or machine type (``None`` when the shape has none).

        A secret size is its plaintext (registered, so never printed), or
        :data:`UNKNOWN` when the document holds only its ciphertext.
        """
        return None if self.size is None else readable(self.get(resource, self.size))


# --- the no-silent-pass net --------------------------------------------------

# Property names that turn a confidential-computing technology on, in Pulumi's
# camelCase, with the technology each implies when it does not name one itself.
# Any other name containing "confidential" or "enclave" counts too, so a switch a
# provider adds tomorrow is caught, not passed.
SWITCH_NAMES: Final[Mapping[str, str]] = {
    "amdSevSnp": "sev-snp",
    "enclaveOptions": "nitro-enclaves",
    "confidentialInstanceConfig": UNKNOWN_TECHNOLOGY,
    "confidentialNodes": UNKNOWN_TECHNOLOGY,
    "enableConfidentialCompute": "sev",
    "confidentialInstanceType": UNKNOWN_TECHNOLOGY,
    "securityType": UNKNOWN_TECHNOLOGY,
    "securityEncryptionType": UNKNOWN_TECHNOLOGY,
    "isMemoryEncryptionEnabled": "sev",
    "confidentialComputeMode": UNKNOWN_TECHNOLOGY,
    "confidentialComputingMode": UNKNOWN_TECHNOLOGY,
}
_SWITCH_WORDS: Final = ("confidential", "enclave")
# Maps whose keys are the user's own words, not settings.
_FREE_FORM: Final = frozenset({"tags", "labels", "tagsAll", "metadata", "annotations",
                               "userData", "freeformTags", "definedTags"})
_NAMED_TECHNOLOGIES: Final = {
    "SEV": "sev", "SEV_SNP": "sev-snp", "SEV-SNP": "sev-snp", "SEVSNP": "sev-snp",
    "TDX": "tdx", "SGX": "sgx",
}


# A name that ends like these names or points at something (`virtualEnclaveName`,
# `confidentialVmKeyVaultId`): an identifier, not a switch.
_IDENTIFIER_SUFFIXES: Final = ("Name", "Names", "Id", "Ids", "Uri", "Url")


def is_switch_name(name: str) -> bool:
    """Whether a property name (camelCase or snake_case) is a confidential-computing switch."""
    camel = _camel(name)
    if camel in SWITCH_NAMES:
        return True
    lowered = camel.lower()
    return any(word in lowered for word in _SWITCH_WORDS) \
        and not camel.endswith(_IDENTIFIER_SUFFIXES)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _switch_on(name: str, value: Any) -> bool:
    """Whether the value of a switch named ``name`` turns it on (unknown counts as on)."""
    if isinstance(value, Secret):
        value = value.reveal()
        if value is None:
            return True  # a secret switch: cannot tell, so never "off"
    if value is UNKNOWN:
        return True
    if name == "securityType":
        # Shared with TrustedLaunch and Standard: only the confidential values count.
        return isinstance(value, str) and value.strip().lower().startswith("confidential")
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _text_on(value)
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, Mapping):
        return any(_switch_on(str(key), item) for key, item in value.items()
                   if key not in _FREE_FORM)
    if isinstance(value, list | tuple):
        return any(_switch_on(name, item) for item in value)
    return False


def _technology(name: str, value: Any) -> str:
    if isinstance(value, str):
        named = _NAMED_TECHNOLOGIES.get(value.strip().upper())
        if named:
            return named
    if isinstance(value, Mapping):
        for key, item in value.items():
            if _camel(str(key)) in SWITCH_NAMES and _switch_on(str(key), item):
                technology = _technology(_camel(str(key)), item)
                if technology != UNKNOWN_TECHNOLOGY:
                    return technology
    return SWITCH_NAMES.get(name, UNKNOWN_TECHNOLOGY)


def find_switches(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every confidential-computing switch turned on (or unknown) in ``props``.

    Returns ``(path, technology)`` pairs in document order, ``path`` dotted with
    ``[i]`` list steps. The walk is iterative (no recursion limit on deep input),
    skips free-form maps (tags, labels, metadata, user data) and reads a secret's
    plaintext when the source had it; values are never returned, only paths.
    """
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("", props)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, Secret):
            value = value.reveal()
        if isinstance(value, Mapping):
            items = [(str(key), item) for key, item in value.items()]
            for key, item in reversed(items):
                if key in _FREE_FORM:
                    continue
                here = f"{path}.{key}" if path else key
                camel = _camel(key)
                if is_switch_name(camel):
                    if _switch_on(camel, item):
                        found.append((here, _technology(camel, item)))
                    continue
                if isinstance(item, Mapping | list | tuple | Secret):
                    stack.append((here, item))
        elif isinstance(value, list | tuple):
            for index in range(len(value) - 1, -1, -1):
                stack.append((f"{path}[{index}]", value[index]))
    found.sort(key=lambda pair: pair[0])
    return found


def unmodelled_workloads(graph: Graph, modelled: Container[str]) -> Iterator[Workload]:
    """The resources no cloud module models that turn a confidential switch on.

    Each is a :class:`Workload` with ``modelled=False`` whose every switch is a key
    of unresolved custody: custodes has not looked at where its keys are, so it
    cannot call them customer-held.
    """
    for resource in graph:
        if resource.type in modelled or not resource.custom:
            continue
        props = resource.props if isinstance(resource.props, Mapping) else {}
        switches = find_switches(props)
        if not switches:
            continue
        package = type_module(resource.type)
        cloud = CLOUD_OF_PACKAGE.get(package, package)
        technologies = tuple(dict.fromkeys(technology for _, technology in switches))
        if len(technologies) > 1 and UNKNOWN_TECHNOLOGY in technologies:
            technologies = tuple(t for t in technologies if t != UNKNOWN_TECHNOLOGY)
        yield Workload(
            resource=resource,
            cloud=cloud,
            provider=PROVIDER_OF_CLOUD.get(cloud, "unknown"),
            technologies=technologies,
            founders=founders(technologies),
            keys=tuple(
                KeyCustody(path, None, f"{resource.type} turns confidential computing on at "
                           f"{path}, but custodes does not model this resource type: who holds "
                           "its keys cannot be told", None, None)
                for path, _ in switches
            ),
            modelled=False,
        )
