from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "kommune.core.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from kommune.core.moderation import hooks, privacy, records, selectors
        from kommune.core.moderation.models import Block
        from kommune.core.privacy import register_anonymiser, register_exporter

        register_exporter("reports", privacy.export_reports, covers=["moderation.Report.reporter"])
        register_exporter("moderation_decisions", privacy.export_decisions,
                          covers=["moderation.ModerationAct.affected_user"])
        register_exporter("blocks", privacy.export_blocks, covers=["moderation.Block.user"])
        register_exporter("review_requests", privacy.export_review_requests,
                          covers=["moderation.ReviewRequest.requester"])
        register_anonymiser("moderation", privacy.delete_personal_data)
        hooks.register()
        hooks.register_comments()
        records.register()
        selectors.BLOCKS.watch(Block)
