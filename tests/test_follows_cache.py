"""What a person follows, kept in the cache for the follow buttons (kommune.core.personal): read once, and read
again after every follow or unfollow, whatever made it."""

import pytest

from kommune.core.notifications.followables import content_type_id
from kommune.core.notifications.models import Follow
from kommune.core.notifications.selectors import FOLLOWS
from kommune.core.notifications.services import do_follow, do_unfollow
from tests.factories_processes import published_process

pytestmark = pytest.mark.django_db


def followed(user, target) -> bool:
    return target.pk in FOLLOWS.get(user.pk).get(content_type_id(target), ())


def test_the_follows_are_read_once_and_again_after_each_change(musterstadt, alice, django_assert_num_queries):
    process = published_process(musterstadt)
    content_type_id(process)  # the content type is cached apart
    with django_assert_num_queries(1):
        assert not followed(alice, process)
        assert not followed(alice, process)  # from the cache
    do_follow(user=alice, target=process)
    assert followed(alice, process)
    do_unfollow(user=alice, target=process)
    assert not followed(alice, process)
    Follow.objects.create(user=alice, content_type_id=content_type_id(process), object_id=process.pk)  # the admin
    assert followed(alice, process)
    Follow.objects.filter(user=alice).delete()  # a queryset, as an account's deletion
    assert not followed(alice, process)


def test_the_follow_button_shows_the_new_state_on_the_next_page(client, musterstadt, alice):
    process = published_process(musterstadt, title="Marktplatz neu gestalten")
    client.force_login(alice)
    page = process.get_absolute_url()
    assert 'aria-pressed="true"' not in client.get(page).content.decode()
    do_follow(user=alice, target=process)
    assert 'aria-pressed="true"' in client.get(page).content.decode()
