"""The moderation's entries on the management dashboard, the comments as reportable contributions, and the block
lookup the comments ask (kommune/core/comments/blocks.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kommune.core.management_menu import ManagementEntry, register_entry


def _open_reports(municipality) -> str:
    from kommune.core.moderation.selectors import open_report_count, open_review_count

    count = open_report_count(municipality)
    text = ngettext("%(num)d open report", "%(num)d open reports", count) % {"num": count}
    reviews = open_review_count(municipality)
    if reviews:
        text += ", " + ngettext("%(num)d review request", "%(num)d review requests", reviews) % {"num": reviews}
    return text


def register() -> None:
    register_entry(ManagementEntry("moderation", _("Moderation"), "moderation.moderate", "moderation:queue",
                                   _open_reports, order=40))
    register_entry(ManagementEntry(
        "netiquette", _("Netiquette"), "moderation.edit_netiquette", "moderation:edit_netiquette",
        lambda m: _("The rules of conversation that every comment form links to."), order=45))


def _comment_moderation_url(comment) -> str:
    return reverse("moderation:comment", kwargs={"municipality_slug": comment.municipality.slug,
                                                 "comment_id": comment.pk})


def register_comments() -> None:
    from kommune.core.comments import hooks
    from kommune.core.comments.blocks import register_block_lookup
    from kommune.core.comments.models import Comment
    from kommune.core.moderation.reportables import Reportable, register_reportable
    from kommune.core.moderation.selectors import active_block

    register_reportable(Reportable(
        model=Comment,
        author=lambda comment: comment.author,
        text=hooks.comment_text,
        describe=hooks.describe_comment,
        moderation_url=_comment_moderation_url,
        public_url=hooks.public_url,
        is_hidden=lambda comment: comment.hidden_at is not None,
        prefetch=hooks.prefetch,
    ))
    register_block_lookup(active_block)
