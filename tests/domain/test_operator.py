"""The operator (the server's command line) is an explicit actor decided in rights.py, not a missing one
(pure, no database; the commands themselves run in tests/server/test_migrations_and_config.py and
test_load_standard_catalogue.py)."""

from __future__ import annotations

import pytest

from sync_server.domain.errors import Forbidden
from sync_server.domain.rights import OPERATOR, Actor, require_admin, write_refusal


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
