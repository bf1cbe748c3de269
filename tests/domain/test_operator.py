"""The operator (the server's command line) and the anonymous caller (the public) are explicit actors
decided in rights.py, not a missing one (pure, no database; the commands themselves run in
tests/server/test_migrations_and_config.py and test_load_standard_catalogue.py)."""

from __future__ import annotations

import pytest

from sync_server.domain.errors import Forbidden
from sync_server.domain.rights import (
    ANONYMOUS,
    OPERATOR,
    Actor,
    may_read_unpublished,
    may_read_view,
    require_admin,
    write_refusal,
)


def test_the_operator_may_do_what_the_admin_may() -> None:
    require_admin(OPERATOR, "users")
    assert OPERATOR.is_operator and OPERATOR.is_admin and OPERATOR.user_id is None
    assert write_refusal(OPERATOR, None, None, lambda _m: None, 0.0) is None


@pytest.mark.parametrize("role", ["editor", "reader"])
def test_an_account_is_never_the_operator(role: str) -> None:
    user = Actor(7, "someone", role, 3, "034590024024")
    assert not user.is_operator and not user.is_admin
    with pytest.raises(Forbidden):
        require_admin(user, "users")


def test_the_anonymous_caller_reads_only_what_is_published_and_writes_nothing() -> None:
    assert ANONYMOUS.is_anonymous and not ANONYMOUS.is_admin and not ANONYMOUS.is_operator
    assert ANONYMOUS.user_id is None and ANONYMOUS.municipality_id is None
    # Not even work of a municipality that shares it with every account.
    assert not may_read_unpublished(ANONYMOUS, 3, owner_shares=True)
    assert may_read_unpublished(Actor(7, "someone", "reader", 5, "034590014014"), 3, owner_shares=True)
    # A saved view only once the county featured it, not one shared among the municipalities' staff.
    assert not may_read_view(ANONYMOUS, 3, "shared", "none", owner_shares=True)
    assert may_read_view(ANONYMOUS, 3, "private", "published", owner_shares=False)
    refusal = write_refusal(ANONYMOUS, None, None, lambda _m: None, 0.0)
    assert refusal is not None and refusal.code == "read_only_role"
    with pytest.raises(Forbidden):
        require_admin(ANONYMOUS, "users")
