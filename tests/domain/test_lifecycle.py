"""The lifecycle's reading rules (pure, no database): which revision of a feature a caller sees, in every
combination of head and published revision that the review states produce. The transitions themselves
(submit, publish, reject, withdraw) are tested through the API in tests/server/test_review_history.py and
test_publish_visibility.py on both databases."""

from __future__ import annotations

import pytest

from sync_server.domain.errors import Conflict
from sync_server.domain.lifecycle import ONCE_PUBLIC, Op, Role, State, live, require_reviewable, shown_revision
from sync_server.domain.rights import ROLES
from sync_server.storage.models import Revision


def rev(seq: int, op: Op, state: State) -> Revision:
    return Revision(seq=seq, op=op.value, state=state.value, properties={"name": f"r{seq}"})


PUBLISHED = rev(1, Op.INSERT, State.PUBLISHED)


@pytest.mark.parametrize(("head", "published", "readable", "expected"), [
    # an editor's pending update: staff see it, the public keeps the published state
    (rev(2, Op.UPDATE, State.PENDING), PUBLISHED, True, 2),
    (rev(2, Op.UPDATE, State.PENDING), PUBLISHED, False, 1),
    # a rejected update stays the head for staff (they see why), the public keeps the published state
    (rev(2, Op.UPDATE, State.REJECTED), PUBLISHED, True, 2),
    (rev(2, Op.UPDATE, State.REJECTED), PUBLISHED, False, 1),
    # a pending deletion: staff see a tombstone, the public still the feature
    (rev(2, Op.DELETE, State.PENDING), PUBLISHED, True, None),
    (rev(2, Op.DELETE, State.PENDING), PUBLISHED, False, 1),
    # a rejected deletion: the feature lives on in its published state, for everyone
    (rev(2, Op.DELETE, State.REJECTED), PUBLISHED, True, 1),
    (rev(2, Op.DELETE, State.REJECTED), PUBLISHED, False, 1),
    # a rejected deletion of a feature never published: nothing to live on in
    (rev(2, Op.DELETE, State.REJECTED), None, True, None),
    # a published deletion: nothing, for anyone
    (rev(2, Op.DELETE, State.PUBLISHED), rev(2, Op.DELETE, State.PUBLISHED), True, None),
    (rev(2, Op.DELETE, State.PUBLISHED), rev(2, Op.DELETE, State.PUBLISHED), False, None),
    # never published (or withdrawn): only staff who may read unpublished work see it
    (rev(1, Op.INSERT, State.PENDING), None, True, 1),
    (rev(1, Op.INSERT, State.PENDING), None, False, None),
])
def test_shown_revision(head: Revision, published: Revision | None, readable: bool, expected: int | None) -> None:
    shown = shown_revision(head, published, readable)
    assert (shown.seq if shown is not None else None) == expected


def test_live_drops_deletions_only() -> None:
    assert live(None) is None
    assert live(rev(3, Op.DELETE, State.PUBLISHED)) is None
    assert live(PUBLISHED) is PUBLISHED


def test_only_a_pending_head_is_reviewable() -> None:
    require_reviewable(5, State.PENDING.value, 5)
    for state, head in ((State.PENDING, 6), (State.PUBLISHED, 5), (State.REJECTED, 5), (State.SUPERSEDED, 6)):
        with pytest.raises(Conflict) as caught:
            require_reviewable(5, state.value, head)
        assert caught.value.code == "not_reviewable"


def test_stored_values_are_the_plain_strings() -> None:
    """The states, operations and roles are stored and sent as these strings; clients depend on them."""
    assert [s.value for s in State] == ["pending", "published", "rejected", "superseded", "withdrawn"]
    assert {s.value for s in ONCE_PUBLIC} == {"published", "withdrawn"}
    assert [o.value for o in Op] == ["insert", "update", "delete"]
    assert list(ROLES) == [r.value for r in Role] == ["admin", "editor", "reader"]
