"""The constraints of a layer, read from the description the server serves (``GET /api/v1/layers``).

The server declares every rule a feature's properties follow in one place
(``sync_server/domain/layers.py``) and serves it with the layer: per field ``required``,
``max_length``, ``minimum``/``maximum``, ``choices`` and a ``format`` with its ``pattern``; per
layer cross-field ``rules`` (``not_greater``: a <= b; ``parent_choice``: the catalogue parent of
choice a is b). This module turns that description into :class:`Constraint` s, the plugin's one
reading of it, with two renderings:

- :meth:`Constraint.holds` checks values in Python: the check before a sync
  (:func:`.validation.check_values`), offline, so nothing the server would refuse is sent;
- :meth:`Constraint.expression` is the same condition as a QGIS expression, which the attribute
  form uses as a field constraint, so the person sees the problem while typing
  (``gui/project.py``).

A layer description without some of these keys (an older server) simply yields fewer
constraints; the server stays the judge. No qgis imports here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Kinds of constraint, each with the problem code the pre-sync check reports (a rule reports the
#: code the server declares for it).
REQUIRED, CHOICE, MAX_LENGTH, RANGE, FORMAT, NOT_GREATER, PARENT_CHOICE = (
    "required", "unknown_choice", "too_long", "out_of_range", "bad_format", "not_greater", "parent_choice")


@dataclass(frozen=True)
class Constraint:
    """One condition on one field (``field`` is where a violation is shown).

    ``fields`` are the fields the condition reads (one, or two for a rule); ``params`` what the
    messages need (``max``, ``min``, ``format``, ``pattern``, ...).
    """

    kind: str
    field: str
    code: str
    fields: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ Python

    def holds(self, values: Mapping[str, Any], types: Mapping[str, str]) -> bool:
        """Whether ``values`` (a feature's properties) satisfy the condition. An empty value
        satisfies every constraint but ``required``, as on the server."""
        value = _value(values.get(self.fields[0]), types.get(self.fields[0], "string"))
        if self.kind == REQUIRED:
            return value is not None
        if value is None:
            return True
        if self.kind == CHOICE:
            return value in self.params["values"]
        if self.kind == MAX_LENGTH:
            return not isinstance(value, str) or len(value) <= self.params["max"]
        if self.kind == RANGE:
            if not _is_number(value):
                return True  # a wrong type is the column's business (QGIS) or the server's
            low, high = self.params.get("min"), self.params.get("max")
            return (low is None or value >= low) and (high is None or value <= high)
        if self.kind == FORMAT:
            return not isinstance(value, str) or re.match(self.params["pattern"], value) is not None
        other = _value(values.get(self.fields[1]), types.get(self.fields[1], "string"))
        if other is None:
            return True
        if self.kind == NOT_GREATER:
            return not (_is_number(value) and _is_number(other)) or value <= other
        if self.kind == PARENT_CHOICE:
            parent = self.params["parents"].get(value)
            return parent is None or parent == other
        return True  # a kind this plugin does not know yet: the server checks it

    # ------------------------------------------------------------------ QGIS expression

    def expression(self, types: Mapping[str, str]) -> str | None:
        """The condition as a QGIS expression (true when it holds), None where the form has its own
        means (required: a not-null constraint; choices: the drop-down)."""
        a = _field_expression(self.fields[0], types.get(self.fields[0], "string"))
        if self.kind == MAX_LENGTH:
            return f"{a} IS NULL OR length({a}) <= {int(self.params['max'])}"
        if self.kind == RANGE:
            parts = [f"{a} {op} {_number(self.params[key])}" for key, op in (("min", ">="), ("max", "<="))
                     if self.params.get(key) is not None]
            return f"{a} IS NULL OR ({' AND '.join(parts)})" if parts else None
        if self.kind == FORMAT:
            return f"{a} IS NULL OR {a} = '' OR regexp_match({a}, {_string(self.params['pattern'])})"
        if self.kind == NOT_GREATER:
            b = _field_expression(self.fields[1], types.get(self.fields[1], "string"))
            return f"{a} IS NULL OR {b} IS NULL OR {a} <= {b}"
        if self.kind == PARENT_CHOICE:
            parents = self.params["parents"]
            if not parents:
                return None
            pairs = ", ".join(f"{_string(k)}, {_string(v)}" for k, v in parents.items())
            return f"coalesce(map_get(map({pairs}), {a}) = {_quoted(self.fields[1])}, TRUE)"
        return None


def layer_constraints(schema: Mapping[str, Any]) -> list[Constraint]:
    """Every constraint the layer description declares, in field order, then the rules."""
    out: list[Constraint] = []
    fields = {spec["name"]: spec for spec in schema.get("fields", []) if isinstance(spec, Mapping)}
    for name, spec in fields.items():
        if name == "owner":
            continue  # the server fills it in (and the rights check covers it)
        if spec.get("required"):
            out.append(Constraint(REQUIRED, name, REQUIRED, (name,)))
        choices = spec.get("choices")
        if choices:
            out.append(Constraint(CHOICE, name, CHOICE, (name,), {"values": {choice_value(c) for c in choices}}))
        if spec.get("type") in ("string", "text") and isinstance(spec.get("max_length"), int):
            out.append(Constraint(MAX_LENGTH, name, MAX_LENGTH, (name,), {"max": spec["max_length"]}))
        if spec.get("minimum") is not None or spec.get("maximum") is not None:
            out.append(Constraint(RANGE, name, RANGE, (name,), {"min": spec.get("minimum"),
                                                                 "max": spec.get("maximum")}))
        if spec.get("pattern"):
            out.append(Constraint(FORMAT, name, FORMAT, (name,), {"format": spec.get("format") or "",
                                                                   "pattern": spec["pattern"]}))
    for rule in schema.get("rules") or []:
        names = tuple(rule.get("fields") or ())
        if len(names) != 2 or not all(n in fields for n in names):
            continue
        params: dict[str, Any] = {}
        if rule.get("kind") == PARENT_CHOICE:
            params["parents"] = {c.get("value"): c.get("parent") for c in fields[names[0]].get("choices") or []
                                 if isinstance(c, Mapping) and c.get("parent") is not None}
        out.append(Constraint(str(rule.get("kind")), str(rule.get("field") or names[-1]),
                              str(rule.get("code") or rule.get("kind")), names, params))
    return out


def field_types(schema: Mapping[str, Any]) -> dict[str, str]:
    """Field name -> type of a layer description."""
    return {spec["name"]: spec.get("type", "string") for spec in schema.get("fields", []) if isinstance(spec, Mapping)}


def violations(schema: Mapping[str, Any], values: Mapping[str, Any]) -> list[Constraint]:
    """The constraints of the layer that ``values`` break, as the server finds them: a value too
    long or out of range counts as absent for the field's format and for the rules that read it
    (the server drops it before those checks), and an empty value breaks only ``required``."""
    types = field_types(schema)
    out: list[Constraint] = []
    dropped: set[str] = set()
    for constraint in layer_constraints(schema):
        if dropped.intersection(constraint.fields) or constraint.holds(values, types):
            continue
        out.append(constraint)
        if constraint.kind in (MAX_LENGTH, RANGE):
            dropped.add(constraint.field)
    return out


def choice_value(choice: Any) -> Any:
    """The value of a schema choice: ``{"value", "label", "parent"?}`` or a bare value."""
    return choice.get("value") if isinstance(choice, Mapping) else choice


# ---------------------------------------------------------------------- helpers


def _value(value: Any, field_type: str) -> Any:
    """A value as the server reads it: a single-line text without surrounding blanks, an empty one
    (but for a multi-line text) as no value."""
    if isinstance(value, str) and field_type != "text":
        value = value.strip()
        return value if value else None
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _field_expression(name: str, field_type: str) -> str:
    """A field in an expression, trimmed as the server trims it for single-line text."""
    return f"trim({_quoted(name)})" if field_type == "string" else _quoted(name)


def _string(value: Any) -> str:
    return "'" + str(value).replace("\\", "\\\\").replace("'", "''") + "'"


def _number(value: Any) -> str:
    return repr(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(float(value))
