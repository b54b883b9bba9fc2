from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "kommune.core.processes"
    label = "processes"
    verbose_name = _("Participation processes")

    def ready(self) -> None:
        from kommune.core.api.registry import register_router
        from kommune.core.comments.registry import register_commentable
        from kommune.core.demo import register_demo_seeder
        from kommune.core.notifications.followables import register_followable
        from kommune.core.notifications.verbs import register_verb
        from kommune.core.privacy import register_exporter
        from kommune.core.processes import api, demo, features, home, management_entries, privacy, records, searchables
        from kommune.core.processes.events import ProcessNewsPosted, ProcessPublished, ProcessUpdated
        from kommune.core.processes.models import Process

        features.register_feature("comments", _("Comments"))
        register_commentable(Process, is_open=lambda process, now: features.is_feature_open(process, "comments", now),
                             scope=lambda process: process,
                             closed_message=_("Comments are closed at the moment: the phase that allows them is not "
                                              "running."))
        register_exporter("process_news", privacy.export_news, covers=["processes.ProcessNews.author"])
        management_entries.register()
        home.register()
        register_demo_seeder("processes", demo.seed_process, order=10)
        records.register()
        searchables.register()
        register_router("", api.router, tags=["Participation processes"])  # the REST API (api.py)
        # A process is the scope of its own events: its activity stream and its followers include them.
        register_followable(Process, is_visible=lambda process: process.is_published, scope=lambda process: process)
        register_verb(ProcessPublished, _("New participation process: “%(title)s”"))
        register_verb(ProcessUpdated, _("The participation process “%(title)s” was updated"))
        register_verb(ProcessNewsPosted, _("News from “%(scope)s”: %(title)s"))
        # A municipal project may link to a published process (kommune.core.linkables).
        from kommune.core.linkables import register_linkable

        register_linkable(Process, kind="process", label=_("Participation process"), order=10,
                          queryset=lambda m: Process.objects.filter(municipality=m, is_published=True)
                          .select_related("municipality"))
        # The evaluation export (evaluation.py): the comments on the process itself.
        from kommune.core.processes.evaluation import register_evaluation_source
        from kommune.core.processes.evaluation_comments import process_comments

        register_evaluation_source("comments", process_comments)
        from kommune.core.processes import newsletter_blocks

        newsletter_blocks.register()  # the newsletter block "take part now"
        # A process's setup can be published as a template and copied elsewhere (kommune.core.blueprints).
        from kommune.core.processes import blueprints

        blueprints.register()
