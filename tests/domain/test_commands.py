"""Request bodies of the configuration, account and review API read into their declared commands
(domain/commands.py): what was sent, what was not, and the refusals with the project's codes."""

from __future__ import annotations

import pytest

from sync_server.domain.commands import (
    UNSET,
    IndicatorCommand,
    LevelCommand,
    NewUser,
    Rejection,
    given,
    optional_names,
    read,
    request_schema,
)
from sync_server.domain.errors import Invalid
from sync_server.storage.models import SpatialLevel, User


def test_a_change_carries_only_what_was_sent() -> None:
    change = read(LevelCommand, {"name": "Ortsteil", "parent_id": None}, partial=True, model=SpatialLevel)
    assert change.name == "Ortsteil" and change.parent_id is None and change.key is UNSET
    assert given(change) == {"name": "Ortsteil", "parent_id": None}  # null clears, a missing field stays


def test_a_new_account_needs_its_required_fields_and_knows_no_others() -> None:
    with pytest.raises(Invalid) as refused:
        read(NewUser, {"username": "anna", "shoe_size": 38}, model=User)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("shoe_size", "unknown_field"), ("password", "required"), ("role", "required"),
        ("municipality_id", "required")]


def test_limits_come_from_the_storage_columns() -> None:
    with pytest.raises(Invalid) as refused:
        read(NewUser, {"username": "x" * 1000, "password": "p", "role": "editor", "municipality_id": 1}, model=User)
    assert [(e.field, e.code) for e in refused.value.errors] == [("username", "too_long")]
    assert request_schema(NewUser, model=User)["properties"]["username"]["maxLength"] < 1000


def test_the_request_schema_says_what_the_reader_requires() -> None:
    doc = request_schema(Rejection)
    assert doc["required"] == ["reason"] and doc["additionalProperties"] is False
    assert "required" not in request_schema(LevelCommand, partial=True)
    assert "key" not in optional_names(IndicatorCommand) and "definition_de" in optional_names(IndicatorCommand)
