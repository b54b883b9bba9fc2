"""How citizen proposals plug into the core registries: verbs, follows, comments, search, privacy and open data.
Called once from ProposalsConfig.ready()."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.utils.translation import gettext_lazy as _

from kommune.core.audit import readable_value
from kommune.core.search.registry import SearchDocumentData
from kommune.core.search.text import plain_text
from kommune.proposals.events import (
    ProposalAnswered,
    ProposalExpired,
    ProposalHidden,
    ProposalPublished,
    ProposalReferred,
    ProposalThresholdReached,
    ProposalUnhidden,
    ProposalUpdateAdded,
    ProposalUpdated,
    ProposalWithdrawn,
)
from kommune.proposals.models import Proposal, ProposalSettings

SEARCH_INDEX_ON = (ProposalPublished, ProposalUpdated, ProposalAnswered, ProposalWithdrawn, ProposalUnhidden)
SEARCH_REMOVE_ON = (ProposalHidden,)


def is_open_for_comments(proposal: Proposal, now) -> bool:
    """Comments are open while the proposal collects supports (the closed message says so)."""
    return proposal.is_collecting(now)


def search_document(proposal: Proposal) -> SearchDocumentData | None:
    """A public proposal, found by its title, text, area, category and answer; drafts and hidden proposals are
    never found."""
    if not proposal.is_public:
        return None
    text = plain_text(proposal.text_html) if proposal.text_html else proposal.text
    answer = plain_text(proposal.answer_html) if proposal.answer_html else proposal.answer
    body = [text, proposal.area, proposal.category.name if proposal.category else "", answer,
            proposal.answer_department]
    return SearchDocumentData(municipality=proposal.municipality, title=proposal.title,
                              body="\n".join(part for part in body if part), url=proposal.get_absolute_url())


def search_queryset():
    return Proposal.objects.filter(Proposal.public_q()).select_related("municipality", "category")


def register_verbs() -> None:
    from kommune.core.notifications.verbs import register_verb

    register_verb(ProposalPublished, _("New citizen proposal: “%(title)s”"))
    register_verb(ProposalThresholdReached, _("The citizen proposal “%(title)s” reached the number of supports "
                                             "needed; the municipality will answer it"))
    register_verb(ProposalAnswered, _("The municipality answered the citizen proposal “%(title)s”"))
    register_verb(ProposalReferred, _("The citizen proposal “%(title)s” was handed to the council"))
    register_verb(ProposalUpdateAdded, _("There is news about the citizen proposal “%(title)s”: the municipality "
                                         "added an update to its answer"))
    register_verb(ProposalExpired, _("The citizen proposal “%(title)s” did not reach the number of supports "
                                   "needed in time"))
    register_verb(ProposalWithdrawn, _("Its author withdrew the citizen proposal “%(title)s”"))


def _proposal_title(pk) -> str:
    title = Proposal.objects.filter(pk=pk).values_list("title", flat=True).first()
    return f"„{title}“" if title else str(_("a deleted proposal"))


def _outcome(value) -> str:
    return str(Proposal.Outcome(value).label) if value in Proposal.Outcome.values else str(value)


def _settings_changes(changed: dict) -> str:
    parts = []
    for name, (before, after) in changed.items():
        try:
            field = ProposalSettings._meta.get_field(name)
        except FieldDoesNotExist:  # a field removed since the entry was written keeps its name
            field = None
        label = field.verbose_name if isinstance(field, Field) else name
        parts.append(f"{label}: {readable_value(before)} → {readable_value(after)}")
    return "; ".join(parts)


def register_audit_details() -> None:
    """The audit log's labels for what the proposal actions record (kommune/core/audit.py)."""
    from kommune.core.audit import readable_date, register_audit_detail
    from kommune.core.models import AuditLogEntry

    action = AuditLogEntry.Action
    register_audit_detail("proposal", _("Citizen proposal"), format=_proposal_title)
    register_audit_detail("count", _("Number of signatures"), action=action.PROPOSAL_SIGNATURES_ADDED)
    register_audit_detail("received_on", _("Received on"), action=action.PROPOSAL_SIGNATURES_ADDED,
                          format=readable_date)
    register_audit_detail("outcome", _("Outcome"), action=action.PROPOSAL_ANSWERED, format=_outcome)
    register_audit_detail("in_time", _("Answered in time"), action=action.PROPOSAL_ANSWERED)
    register_audit_detail("changed", _("Changed settings"), action=action.PROPOSAL_SETTINGS_CHANGED,
                          format=_settings_changes)


def register() -> None:
    register_assisted_entry()
    from kommune.core.comments.registry import register_commentable
    from kommune.core.notifications.followables import register_followable
    from kommune.core.privacy import register_anonymiser, register_exporter
    from kommune.core.search.registry import register_searchable
    from kommune.proposals import privacy, records, services

    register_verbs()
    register_audit_details()
    register_followable(Proposal, is_visible=lambda proposal: proposal.is_public)
    register_commentable(Proposal, is_open=is_open_for_comments, scope=lambda proposal: proposal,
                         is_visible=lambda proposal, user: proposal.is_public,
                         closed_message=_("Comments are closed: this proposal no longer collects supports."))
    register_searchable(Proposal, kind="proposal", label=_("Citizen proposal"), document=search_document,
                        queryset=search_queryset, index_on=SEARCH_INDEX_ON, remove_on=SEARCH_REMOVE_ON)
    register_exporter("proposals", privacy.export_proposals, covers=["proposals.Proposal.author"])
    register_exporter("proposal_supports", privacy.export_supports, covers=["proposals.Support.user"])
    register_anonymiser("proposal_drafts", services.delete_drafts)
    records.register()
    records.register_updates()
    register_reportable_proposals()
    register_profile_section()
    register_linkable_proposals()


def register_linkable_proposals() -> None:
    """A municipal project may link to a public proposal (kommune.core.linkables)."""
    from kommune.core.linkables import register_linkable

    register_linkable(Proposal, kind="proposal", label=_("Citizen proposal"), order=20,
                      queryset=lambda m: Proposal.objects.filter(Proposal.public_q(), municipality=m)
                      .select_related("municipality"))


def _profile_items(user, municipality, limit: int):
    from kommune.accounts.profiles import ProfileItem

    proposals = (Proposal.objects.filter(Proposal.public_q(), author=user, municipality=municipality)
                 .select_related("municipality").order_by("-published_at", "-id")[:limit])
    return [ProfileItem(title=proposal.title, url=proposal.get_absolute_url(), date=proposal.published_at)
            for proposal in proposals]


def register_profile_section() -> None:
    from kommune.accounts.profiles import ProfileSection, register_profile_section

    register_profile_section(ProfileSection("proposals", _("Citizen proposals"), _profile_items, order=10))


def _proposal_text(proposal: Proposal) -> str:
    return f"{proposal.title}\n\n{proposal.text}"


def _describe(proposal: Proposal) -> str:
    # The public log names where, never who: the title of a proposal is public, its author is not named.
    return _("Citizen proposal “%(title)s”") % {"title": proposal.title}


def register_reportable_proposals() -> None:
    from django.urls import reverse

    from kommune.core.moderation.reportables import Reportable, register_reportable
    from kommune.proposals import services

    register_reportable(Reportable(
        model=Proposal,
        kind="proposal",
        author=lambda proposal: proposal.author,
        text=_proposal_text,
        describe=_describe,
        moderation_url=lambda proposal: reverse("moderation:contribution", kwargs={
            "municipality_slug": proposal.municipality.slug, "reportable": "proposal", "object_id": proposal.pk}),
        public_url=lambda proposal: proposal.get_absolute_url(),
        is_hidden=lambda proposal: proposal.hidden_at is not None,
        is_reportable=lambda proposal: proposal.is_published,
        hide=services.apply_hidden,
        unhide=services.apply_shown,
    ))


def register_assisted_entry() -> None:
    """Where staff enter this app's contributions for a resident (kommune/core/assisted.py)."""
    from kommune.core.assisted import register_assisted_entry as register
    from kommune.core.models import AuditLogEntry

    register(key="proposals", label=_("Paper signatures for a citizen proposal"),
             description=_("In the management of citizen proposals, “Paper lists” of a "
                           "proposal takes the signatures collected on paper."),
             url_name="proposals:manage", permission="proposals.manage",
             actions=[AuditLogEntry.Action.PROPOSAL_SIGNATURES_ADDED], order=20)
