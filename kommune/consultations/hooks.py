"""How consultations plug into the core registries: the phase feature, comments on paragraphs, follows, verbs,
search, privacy, open data, the evaluation export, the API, the demo and the management menu. Called once from
ConsultationsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from kommune.consultations.events import (
    ConsiderationsPublished,
    ConsultationPublished,
    ConsultationUpdated,
    DraftVersionAdded,
)
from kommune.consultations.models import Consultation, Paragraph
from kommune.core.search.registry import SearchDocumentData

SEARCH_INDEX_ON = (ConsultationPublished, ConsultationUpdated, DraftVersionAdded)


def search_document(consultation: Consultation) -> SearchDocumentData | None:
    """A public consultation, found by its title, summary and the text of its current version."""
    from kommune.consultations.selectors import current_version

    if not consultation.is_public:
        return None
    version = current_version(consultation)
    texts = list(version.paragraphs.order_by("position").values_list("text", flat=True)[:2000]) if version else []
    return SearchDocumentData(municipality=consultation.municipality, title=consultation.title,
                              body="\n".join([consultation.summary, *texts]), url=consultation.get_absolute_url(),
                              context=consultation.process.title)


def search_queryset():
    return Consultation.objects.filter(is_published=True, process__is_published=True).select_related(
        "municipality", "process")


def register() -> None:
    from kommune.consultations import api, demo, evaluation, management_entries, privacy, records, services
    from kommune.core.api.registry import register_router
    from kommune.core.comments.registry import register_commentable
    from kommune.core.demo import register_demo_seeder
    from kommune.core.notifications.followables import register_followable
    from kommune.core.notifications.verbs import register_verb
    from kommune.core.pagecache import register_page_tags
    from kommune.core.privacy import register_exporter
    from kommune.core.processes.evaluation import register_evaluation_source
    from kommune.core.processes.features import register_feature
    from kommune.core.search.registry import register_searchable

    register_feature(services.FEATURE, _("Consultation on a draft"))
    register_commentable(
        Paragraph, is_open=services.is_paragraph_open, scope=lambda paragraph: paragraph.version.consultation,
        is_visible=lambda paragraph, user: paragraph.version.consultation.is_public,
        closed_message=_("Comments are not possible at the moment: the comment period of this consultation is not "
                         "running. The text can be read before and after it."))
    register_page_tags(Paragraph, lambda paragraph: (f"consultation:{paragraph.version.consultation_id}",))
    register_followable(Consultation, is_visible=lambda consultation: consultation.is_public,
                        parents=lambda consultation: [consultation.process], scope=lambda consultation: consultation)
    register_verb(ConsultationPublished, _("New consultation: “%(title)s”"))
    register_verb(DraftVersionAdded, _("A new version of the draft “%(title)s” was put up"))
    register_verb(ConsiderationsPublished, _("The answers to the comments on “%(title)s” are published"))
    register_searchable(Consultation, kind="consultation", label=_("Consultation"), document=search_document,
                        queryset=search_queryset, index_on=SEARCH_INDEX_ON)
    register_exporter("consultation_passages", privacy.export_passages)
    register_evaluation_source("consultations", evaluation.consultation_comments)
    records.register()
    management_entries.register()
    register_router("", api.router, tags=["Consultations"])
    register_demo_seeder("consultations", demo.seed_consultations, order=30)
