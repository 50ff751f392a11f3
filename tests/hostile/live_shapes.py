"""Random API responses in the exact shapes the cloud SDKs return, from the SDKs' own models.

* AWS: botocore's service models (the output shape of each operation);
* Azure: the azure-mgmt models' field annotations, as ``as_dict()`` gives them;
* GCP: the protobuf descriptors of google-cloud-compute and google-cloud-kms, as
  ``to_dict(preserving_proto_field_name=False)`` gives them.

Every member is optional (as the APIs treat them) except the identifiers a
real response always carries; values are any of the member's type, enums
included. What such a response may hold, a normaliser must turn into a
resource.
"""

from __future__ import annotations

import datetime
import enum
import sys
import typing
from functools import cache
from typing import Any

from hypothesis import strategies as st

from tests.hostile.strategies import NASTY

MAX_DEPTH = 5
text = st.one_of(st.text(max_size=12), st.sampled_from(NASTY[:8]))


# --- AWS ---------------------------------------------------------------------------------


@cache
def _botocore_session() -> Any:
    import botocore.session

    return botocore.session.get_session()


def botocore_shape(service: str, shape_name: str,
                   required: tuple[str, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """A random value of a botocore output shape (``required`` members always present)."""
    shape = _botocore_session().get_service_model(service).shape_for(shape_name)
    return _botocore(shape, 0, required)


def _botocore(shape: Any, depth: int, required: tuple[str, ...] = ()) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        if depth > MAX_DEPTH:
            return st.fixed_dictionaries({name: st.text(min_size=1, max_size=8)
                                          for name in required})
        members = shape.members
        return st.fixed_dictionaries(
            {name: _botocore(members[name], depth + 1) for name in required},
            optional={name: st.deferred(lambda member=member: _botocore(member, depth + 1))
                      for name, member in members.items() if name not in required},
        )
    if kind == "list":
        return st.lists(st.deferred(lambda: _botocore(shape.member, depth + 1)), max_size=2)
    if kind == "map":
        return st.dictionaries(text, st.deferred(lambda: _botocore(shape.value, depth + 1)),
                               max_size=2)
    if kind == "string":
        if shape.enum:
            return st.one_of(st.sampled_from(shape.enum), text)
        return text
    if kind in ("integer", "long"):
        return st.integers(-(2**40), 2**40)
    if kind in ("double", "float"):
        return st.floats(allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(timezones=st.just(datetime.UTC))
    if kind == "blob":
        return st.binary(max_size=16)
    return st.none()


# --- Azure -------------------------------------------------------------------------------


def azure_model(model: type, required: dict[str, st.SearchStrategy[Any]] | None = None
                ) -> st.SearchStrategy[dict[str, Any]]:
    """A random ``as_dict()`` of an azure-mgmt model class."""
    return _azure_model(model, 0, required or {})


def _azure_hints(model: type) -> dict[str, Any]:
    module = sys.modules[model.__module__]
    package = module.__name__.rsplit(".", 1)[0]
    models = sys.modules[package]
    enums = sys.modules.get(f"{package}._enums", models)
    return typing.get_type_hints(model, globalns={**vars(module), "_models": models,
                                                  "_enums": enums})


def _rest_names(model: type) -> dict[str, str]:
    names: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        for attribute, value in vars(cls).items():
            try:
                rest = getattr(value, "_rest_name", None)
            except ValueError:  # a field the SDK never names on the wire
                continue
            if isinstance(rest, str):
                names[attribute] = rest
    return names


def _azure_model(model: type, depth: int,
                 required: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    if depth > MAX_DEPTH:
        return st.fixed_dictionaries(required)
    hints = _azure_hints(model)
    optional = {
        rest: st.deferred(lambda hint=hints[attribute]: _azure(hint, depth + 1))
        for attribute, rest in _rest_names(model).items()
        if attribute in hints and rest not in required
    }
    return st.fixed_dictionaries(required, optional=optional)


def _azure(hint: Any, depth: int) -> st.SearchStrategy[Any]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union:
        choices = [arg for arg in args if arg is not type(None)]
        enums = [arg for arg in choices if isinstance(arg, type) and issubclass(arg, enum.Enum)]
        if enums:
            return st.one_of(st.sampled_from([member.value for member in enums[0]]), text)
        return st.one_of(*(_azure(arg, depth) for arg in choices))
    if origin is list:
        return st.lists(_azure(args[0], depth + 1), max_size=2)
    if origin is dict:
        return st.dictionaries(text, _azure(args[1], depth + 1), max_size=2)
    if hint is str:
        return text
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(-(2**40), 2**40)
    if hint is float:
        return st.floats(allow_nan=False)
    if hint is datetime.datetime:
        return st.datetimes().map(lambda moment: moment.isoformat() + "Z")
    if hint is bytes:
        return st.binary(max_size=16)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from([member.value for member in hint])
    if isinstance(hint, type) and _rest_names(hint):
        return _azure_model(hint, depth + 1, {})
    return st.one_of(st.none(), text, st.integers())


# --- GCP ---------------------------------------------------------------------------------


def proto_message(message_class: type, required: dict[str, st.SearchStrategy[Any]] | None = None
                  ) -> st.SearchStrategy[dict[str, Any]]:
    """A random REST JSON (camelCase) of a proto-plus message class."""
    return _proto(message_class.pb().DESCRIPTOR, 0, required or {})


def _proto(descriptor: Any, depth: int,
           required: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    if depth > MAX_DEPTH:
        return st.fixed_dictionaries(required)
    optional = {
        field.json_name: st.deferred(lambda field=field: _proto_field(field, depth + 1))
        for field in descriptor.fields if field.json_name not in required
    }
    return st.fixed_dictionaries(required, optional=optional)


def _proto_field(field: Any, depth: int) -> st.SearchStrategy[Any]:
    from google.protobuf.descriptor import FieldDescriptor as F

    if field.type == F.TYPE_MESSAGE and field.message_type.GetOptions().map_entry:
        value = field.message_type.fields_by_name["value"]
        return st.dictionaries(text, _proto_scalar(value, depth), max_size=2)
    single = _proto_scalar(field, depth)
    if field.label == F.LABEL_REPEATED:
        return st.lists(single, max_size=2)
    return single


def _proto_scalar(field: Any, depth: int) -> st.SearchStrategy[Any]:
    from google.protobuf.descriptor import FieldDescriptor as F

    if field.type == F.TYPE_MESSAGE:
        return _proto(field.message_type, depth + 1, {})
    if field.type == F.TYPE_ENUM:
        return st.sampled_from([value.name for value in field.enum_type.values])
    if field.type in (F.TYPE_INT64, F.TYPE_UINT64, F.TYPE_SINT64, F.TYPE_FIXED64):
        return st.integers(0, 2**62).map(str)  # int64 is a string in proto3 JSON
    if field.type in (F.TYPE_INT32, F.TYPE_UINT32, F.TYPE_SINT32, F.TYPE_FIXED32):
        return st.integers(0, 2**31 - 1)
    if field.type in (F.TYPE_DOUBLE, F.TYPE_FLOAT):
        return st.floats(allow_nan=False, allow_infinity=False)
    if field.type == F.TYPE_BOOL:
        return st.booleans()
    if field.type == F.TYPE_BYTES:
        return st.binary(max_size=12).map(lambda data: data.hex())
    return text
