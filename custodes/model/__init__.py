"""The resource model and graph that every source produces and every rule reads."""

from custodes.model.graph import Graph, Reference, normalise_identifier
from custodes.model.resource import (
    UNKNOWN,
    Resource,
    Secret,
    SourcePosition,
    UnknownValueError,
    iter_path,
    lookup,
    plain,
    readable,
)

__all__ = [
    "UNKNOWN",
    "Graph",
    "Reference",
    "Resource",
    "Secret",
    "SourcePosition",
    "UnknownValueError",
    "iter_path",
    "lookup",
    "normalise_identifier",
    "plain",
    "readable",
]
