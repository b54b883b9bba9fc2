"""How surveys and opinion maps plug into the core registries: phase features, verbs, search, open data, privacy,
the evaluation export, moderation, the REST API, the management menu and the demo. Called once from
SurveysConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.search.registry import SearchDocumentData
from kommune.surveys.events import OpinionMapPublished, SurveyPublished
from kommune.surveys.models import OpinionMap, Statement, Survey


def survey_document(survey: Survey) -> SearchDocumentData | None:
    if not (survey.is_published and survey.process.is_published):
        return None
    return SearchDocumentData(municipality=survey.municipality, title=survey.title,
                              body=f"{survey.description}\n{survey.process.title}", url=survey.get_absolute_url())


def map_document(opinion_map: OpinionMap) -> SearchDocumentData | None:
    if not (opinion_map.is_published and opinion_map.process.is_published):
        return None
    return SearchDocumentData(municipality=opinion_map.municipality, title=opinion_map.title,
                              body=f"{opinion_map.description}\n{opinion_map.process.title}",
                              url=opinion_map.get_absolute_url())


def _statement_text(statement: Statement) -> str:
    return statement.text


def _describe_statement(statement: Statement) -> str:
    return _("Statement in the opinion map “%(title)s”") % {"title": statement.opinion_map.title}


def register_reportable_statements() -> None:
    from kommune.core.moderation.reportables import Reportable, register_reportable
    from kommune.surveys import services

    register_reportable(Reportable(
        model=Statement,
        kind="statement",
        author=lambda statement: statement.author,
        text=_statement_text,
        describe=_describe_statement,
        moderation_url=lambda statement: reverse("moderation:contribution", kwargs={
            "municipality_slug": statement.municipality.slug, "reportable": "statement", "object_id": statement.pk}),
        public_url=lambda statement: statement.get_absolute_url(),
        is_hidden=lambda statement: statement.hidden_at is not None,
        is_reportable=lambda statement: statement.opinion_map.is_published,
        hide=services.apply_hidden,
        unhide=services.apply_shown,
    ))


def _paper_survey(pk) -> str:
    title = Survey.objects.filter(pk=pk).values_list("title", flat=True).first()
    return f"„{title}“" if title else str(_("a deleted survey"))


def home_context(municipality) -> dict | None:
    """The three latest surveys and opinion maps; nothing when there are none. Two queries."""
    from kommune.surveys import selectors

    surveys = list(selectors.published_surveys(municipality)[:3])
    maps = list(selectors.published_maps(municipality)[:3])
    if not surveys and not maps:
        return None
    return {"municipality": municipality, "surveys": surveys, "maps": maps}


def register() -> None:
    register_assisted_entry()
    from kommune.core.api.registry import register_router
    from kommune.core.audit import register_audit_detail
    from kommune.core.demo import register_demo_seeder
    from kommune.core.management_menu import ManagementEntry, register_entry
    from kommune.core.models import AuditLogEntry
    from kommune.core.notifications.verbs import register_verb
    from kommune.core.privacy import register_anonymiser, register_exporter
    from kommune.core.processes.evaluation import register_evaluation_source
    from kommune.core.processes.features import register_feature
    from kommune.core.search.registry import register_searchable
    from kommune.surveys import api, demo, evaluation, privacy, records, services

    register_feature(services.SURVEY_FEATURE, _("Survey"))
    register_feature(services.OPINION_MAP_FEATURE, _("Opinion map"))
    register_verb(SurveyPublished, _("New survey: “%(title)s”"))
    register_verb(OpinionMapPublished, _("New opinion map: “%(title)s”"))
    register_searchable(Survey, kind="survey", label=_("Survey"), document=survey_document,
                        queryset=lambda: Survey.objects.select_related("municipality", "process"),
                        index_on=(SurveyPublished,))
    register_searchable(OpinionMap, kind="opinion_map", label=_("Opinion map"), document=map_document,
                        queryset=lambda: OpinionMap.objects.select_related("municipality", "process"),
                        index_on=(OpinionMapPublished,))
    records.register()
    register_exporter("survey_responses", privacy.export_responses,
                      covers=["surveys.Response.respondent", "surveys.Response.entered_by"])
    register_exporter("opinion_statements", privacy.export_statements, covers=["surveys.Statement.author"])
    register_exporter("opinion_votes", privacy.export_votes, covers=["surveys.Vote.participant"])
    register_anonymiser("surveys", services.delete_personal_links)
    register_evaluation_source("survey-answers", evaluation.survey_answers)
    register_evaluation_source("opinion-maps", evaluation.opinion_map_contributions)
    register_reportable_statements()
    register_router("", api.router, tags=["Surveys and opinion maps"])
    register_entry(ManagementEntry("surveys", _("Surveys and opinion maps"), services.MANAGE_PERMISSION,
                                   "surveys:manage", lambda municipality: _(
                                       "Create surveys and opinion maps, enter paper questionnaires, see results."),
                                   order=50))
    register_audit_detail("survey", _("Survey"), action=AuditLogEntry.Action.SURVEY_PAPER_RESPONSE,
                          format=_paper_survey)
    register_audit_detail("reference", _("Reference"), action=AuditLogEntry.Action.SURVEY_PAPER_RESPONSE)
    register_demo_seeder("surveys", demo.seed, 40)
    from kommune.core.home_sections import HomeSection, register_home_section

    register_home_section(HomeSection("surveys", "surveys/home_section.html", home_context, order=25,
                                      title=_("Surveys and opinion maps"), anchor="home-surveys-heading"))


def register_assisted_entry() -> None:
    """Where staff enter this app's contributions for a resident (kommune/core/assisted.py)."""
    from kommune.core.assisted import register_assisted_entry as register
    from kommune.core.models import AuditLogEntry

    register(key="surveys", label=_("Paper questionnaire of a survey"),
             description=_("In the management of surveys, “Enter a paper questionnaire” takes the "
                           "answers someone gave on paper or by phone."),
             url_name="surveys:manage", permission="surveys.manage",
             actions=[AuditLogEntry.Action.SURVEY_PAPER_RESPONSE], order=30)
