from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "kommune.core.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from kommune.core.api.registry import register_router
        from kommune.core.comments import api, hooks, records, selectors
        from kommune.core.jinja2 import register_template_global

        hooks.register()
        from kommune.core.comments import indicators as contribution_source
        contribution_source.register()
        records.register()
        register_router("", api.router, tags=["Comments"])  # the REST API (api.py)
        # The first page of the comments under a target, for comments/embed.html (constant number of queries).
        register_template_global("comment_thread", selectors.comment_thread)
        from kommune.core.comments.models import Reaction
        selectors.REACTED.watch(Reaction)
