"""The API's contract: request bodies and answers declared once, as dataclasses.

A declaration is a plain (frozen) dataclass whose type hints say what each field holds. Three things
come from it and from nothing else:

- :func:`schema`: its JSON Schema (the OpenAPI 3.0 dialect) for the API document, so the document
  states exactly the shape the server produces or accepts;
- :func:`dump`: the JSON value of an instance, which the HTTP layer answers with;
- :func:`load`: an instance from a JSON value the server wrote itself (e.g. a kept push answer that
  a retry gets again). Untrusted request bodies are read by :mod:`.validation`, which refuses every
  wrong field with the project's error codes.

Field details beyond the type go into the field's metadata with :func:`spec`: a description, bounds,
a format, and ``omit_none`` for keys that an answer leaves out instead of sending ``null``.
The supported types are ``str``, ``int``, ``float``, ``bool``, ``Any``, ``Literal[...]`` of strings,
``list[X]``, ``dict[str, X]``, ``X | None``, string enums, other declarations and ``Encoded[X]`` (a value of
type X already written as JSON text, see :class:`Encoded`). Why our own and not a library:
the project's error answers (codes, German texts, field paths) are fixed, and the few dozen lines
here produce them exactly; a library would need the same translation layer around it.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
from collections.abc import Callable
from functools import cache
from typing import Any, Generic, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


class Encoded(Generic[T]):
    """A value of type ``T`` (declared as ``Encoded[T]``) already written as JSON text, exactly as the
    answer's encoder would write it (compact, not ASCII-escaped): :func:`encode` splices the text into
    the answer unchanged, and the schema is that of ``T``.

    For answers assembled from stored text: a checkout page of 5,000 features spent most of its time
    decoding each feature's stored properties, building objects of them and encoding them again."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Encoded({self.text[:60]!r}...)"

_PRIMITIVES: dict[Any, dict[str, Any]] = {
    str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"}, bool: {"type": "boolean"},
    bytes: {"type": "string", "format": "binary"},  # a file (the answer's media type says which)
}


def spec(default: Any = dataclasses.MISSING, *, description: str | None = None, omit_none: bool = False,
         **schema: Any) -> Any:
    """A dataclass field with contract details: ``description``, ``omit_none`` (an answer leaves the key
    out when the value is None; the schema does not require it) and JSON Schema keywords in
    ``schema`` (``maxLength``, ``minimum``, ``format``, ...). A field with ``omit_none`` defaults to None."""
    if omit_none and default is dataclasses.MISSING:
        default = None
    extra = {k: v for k, v in {"description": description, **schema}.items() if v is not None}
    kwargs: dict[str, Any] = {"metadata": {"schema": extra, "omit_none": omit_none}}
    if isinstance(default, list | dict):
        kwargs["default_factory"] = type(default)
    elif default is not dataclasses.MISSING:
        kwargs["default"] = default
    return dataclasses.field(**kwargs)


@cache
def hints(cls: type) -> dict[str, Any]:
    """The resolved type hints of a declaration (declarations use postponed annotations)."""
    return get_type_hints(cls)


def optional(tp: Any) -> tuple[Any, bool]:
    """(the type without None, whether None is allowed)."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        inner = args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007 - built at run time
        return inner, len(args) < len(get_args(tp))
    return tp, False


def schema(tp: Any, components: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON Schema of type ``tp``. With ``components`` (the document's ``components/schemas``), each
    declaration is put there once under its class name and referenced; without, it is written inline."""
    inner, nullable = optional(tp)
    if nullable:
        out = schema(inner, components)
        return {"allOf": [out], "nullable": True} if "$ref" in out else {**out, "nullable": True}
    origin, args = get_origin(tp), get_args(tp)
    if origin is Encoded:
        return schema(args[0], components)
    if tp is Any:
        return {}
    if tp in _PRIMITIVES:
        return dict(_PRIMITIVES[tp])
    if origin is Literal:
        return {"type": "string", "enum": list(args)}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"type": "string", "enum": [m.value for m in tp]}
    if origin in (Union, types.UnionType):
        return {"anyOf": [schema(a, components) for a in args]}
    if origin is list or tp is list:
        return {"type": "array", "items": schema(args[0], components) if args else {}}
    if origin is dict or tp is dict:
        value = schema(args[1], components) if args else {}
        return {"type": "object", **({"additionalProperties": value} if value else {})}
    if dataclasses.is_dataclass(tp):
        if components is None:
            return _object_schema(tp, None)
        if tp.__name__ not in components:
            components[tp.__name__] = {}  # reserved first: a declaration may refer to itself
            components[tp.__name__] = _object_schema(tp, components)
        return {"$ref": f"#/components/schemas/{tp.__name__}"}
    raise TypeError(f"no schema for {tp!r}")


def _object_schema(cls: type, components: dict[str, Any] | None) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        prop = schema(hints(cls)[f.name], components)
        extra = f.metadata.get("schema", {})
        if extra:
            prop = {**prop, **extra} if "$ref" not in prop else {"allOf": [prop], **extra}
        properties[f.name] = prop
        if not f.metadata.get("omit_none"):
            required.append(f.name)
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    if cls.__doc__ and not cls.__doc__.startswith(f"{cls.__name__}("):
        out["description"] = " ".join(cls.__doc__.split())
    return out


@cache
def _dumped_fields(cls: type) -> tuple[tuple[str, bool], ...] | None:
    """(name, omit when None) of a declaration's fields, None for a class that is no declaration: asked
    once per class, not once per object (a push answer of 100,000 results dumps 100,000 objects)."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple((f.name, bool(f.metadata.get("omit_none"))) for f in dataclasses.fields(cls))


_SCALARS = (str, int, float, bool, type(None))


def dump(value: Any) -> Any:
    """The JSON value of ``value``: declarations become objects (keys with ``omit_none`` and value None
    left out), lists and dicts are dumped item by item, anything else is returned as it is. Scalars
    inside are taken without a call each: a checkout page dumps 5,000 features of 20 properties."""
    cls = value.__class__
    if cls in _SCALARS or cls is Encoded:
        return value
    fields = _dumped_fields(cls)
    if fields is not None:
        return {name: v if v.__class__ in _SCALARS else dump(v) for name, omit in fields
                if not ((v := getattr(value, name)) is None and omit)}
    if isinstance(value, list | tuple):
        return [v if v.__class__ in _SCALARS else dump(v) for v in value]
    if isinstance(value, dict):
        return {k: v if v.__class__ in _SCALARS else dump(v) for k, v in value.items()}
    return value


def load(tp: Any, value: Any) -> Any:
    """An instance of ``tp`` from a JSON value the server produced (no checks: untrusted bodies go
    through :mod:`.validation`); keys the declaration does not know are dropped."""
    inner, _nullable = optional(tp)
    if value is None:
        return None
    origin, args = get_origin(inner), get_args(inner)
    if origin is Encoded:
        return Encoded(json_text(value))
    if (origin is list or inner is list) and args:
        return [load(args[0], v) for v in value]
    if (origin is dict or inner is dict) and args:
        return {k: load(args[1], v) for k, v in value.items()}
    if dataclasses.is_dataclass(inner):
        known = hints(inner)
        return inner(**{k: load(known[k], v) for k, v in value.items() if k in known})
    return value


def _json_encoder() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` without building an encoder per call.

    ``json.dumps`` with settings of its own makes a new encoder object and a new C encoder on every call,
    which for the small property dict of one value cost more than the encoding: an upload of 100,000 values
    writes 100,000 of them. The same C encoder, made once, writes the same text (the one difference: no
    guard against a value that contains itself, which JSON read or built by the server never is)."""
    make = json.encoder.c_make_encoder
    if make is None:  # a Python without the C accelerator
        return lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


_encode_json = _json_encoder()


def json_text(value: Any) -> str:
    """``value`` as answers write JSON (compact, not ASCII-escaped, keys in their order): the form of
    :class:`Encoded` text, and the form the storage writes JSON columns in, so that stored text can be
    spliced into an answer as it is."""
    return _encode_json(value)


# What an :class:`Encoded` stands as while the rest of the answer is encoded: a string with NUL, which no
# text of the atlas holds (it is refused in every body and query), so it is found only where it was put.
_MARK = "\x00encoded\x00"
_QUOTED_MARK = json.dumps(_MARK)


def encode(value: Any, dumps: Callable[..., str], default: Callable[[Any], Any] | None = None) -> str:
    """The JSON text of a dumped answer as ``dumps(value, default=...)`` writes it (the HTTP layer's JSON
    settings), with the text of every :class:`Encoded` in it spliced in where it stands; ``default``
    encodes other objects that JSON does not know (else they are refused)."""
    texts: list[str] = []

    def splice(obj: Any) -> Any:
        if obj.__class__ is Encoded:
            texts.append(obj.text)
            return _MARK
        if default is None:
            raise TypeError(f"{obj.__class__.__name__} is not JSON serializable")
        return default(obj)

    out = dumps(value, default=splice)
    if not texts:
        return out
    pieces = out.split(_QUOTED_MARK)
    if len(pieces) != len(texts) + 1:  # a string of the answer reads like the mark: encode the slow way
        return dumps(value, default=lambda obj: json.loads(obj.text) if obj.__class__ is Encoded else splice(obj))
    return "".join([piece for pair in zip(pieces, texts, strict=False) for piece in pair] + [pieces[-1]])
