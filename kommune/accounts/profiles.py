"""A person's public page in a municipality: what they published there under their public name, if they chose to
have one (User.public_profile, off by default). Apps add their sections with ``register_profile_section``
(accounts adds the comments, proposals its proposals). Without the page, a person cannot be looked up or
followed: the page and the follow answer 404 exactly as for an account that does not exist."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality

ITEMS_PER_SECTION = 50


@dataclass(frozen=True)
class ProfileItem:
    title: str
    url: str
    date: datetime | None
    text: str = ""


@dataclass(frozen=True)
class ProfileSection:
    key: str
    title: str | Promise
    items: Callable[..., list[ProfileItem]]  # (user, municipality, limit) -> the newest first
    order: int = 100


_sections: dict[str, ProfileSection] = {}


def register_profile_section(section: ProfileSection) -> None:
    _sections[section.key] = section


def has_public_page(user) -> bool:
    return bool(user.is_active and not user.is_deleted and user.public_profile)


def sections_of(user, municipality: Municipality) -> list[tuple[ProfileSection, list[ProfileItem]]]:
    return [(section, section.items(user, municipality, ITEMS_PER_SECTION))
            for section in sorted(_sections.values(), key=lambda section: (section.order, section.key))]


def _comments(user, municipality: Municipality, limit: int) -> list[ProfileItem]:
    # The activity stream already knows which comments are public under the person's name (hidden ones and those
    # in withdrawn processes are marked there), so the page shows just what the stream shows.
    from kommune.core.comments.events import CommentPosted
    from kommune.core.notifications.models import Activity

    activities = (Activity.objects.filter(actor=user, municipality=municipality, verb=CommentPosted.name,
                                          is_hidden=False, is_withdrawn=False)
                  .order_by("-created_at", "-id")[:limit])
    return [ProfileItem(title=activity.scope_title or activity.summary, url=activity.url, date=activity.created_at,
                        text=activity.summary) for activity in activities]


def register_comment_section() -> None:
    register_profile_section(ProfileSection("comments", _("Comments"), _comments, order=20))
