"""The edit rule of comments, tested at its home (Comment.is_editable_by); the pages and the service use it
(tests/test_comments.py tests the journeys)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from kommune.core.comments.models import Comment


@pytest.mark.parametrize(("who", "age", "hidden", "editable"), [
    ("author", timedelta(0), False, True),
    ("author", timedelta(minutes=14, seconds=59), False, True),
    ("author", timedelta(minutes=15), False, False),
    ("author", timedelta(minutes=1), True, False),
    ("someone else", timedelta(minutes=1), False, False),
    ("anonymous", timedelta(minutes=1), False, False),
])
def test_the_author_may_edit_a_visible_comment_for_fifteen_minutes(who, age, hidden, editable, alice, bob):
    now = timezone.now()
    comment = Comment(author=alice, created_at=now - age, hidden_at=now if hidden else None)
    user = {"author": alice, "someone else": bob, "anonymous": AnonymousUser()}[who]

    assert comment.is_editable_by(user, now) is editable
    assert comment.edit_deadline == comment.created_at + timedelta(minutes=15)
