from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kommune.accounts"
    label = "accounts"
    verbose_name = _("People")

    def ready(self) -> None:
        from kommune.accounts import management_entries, privacy, profiles, selectors
        from kommune.accounts.models import Residency, User
        from kommune.core.notifications.followables import register_followable
        from kommune.core.privacy import register_anonymiser, register_exporter

        register_exporter("profile", privacy.export_profile)
        register_exporter("residencies", privacy.export_residencies, covers=["accounts.Residency.user"])
        register_exporter("letter_codes", privacy.export_letter_codes, covers=["accounts.LetterCode.used_by"])
        register_anonymiser("login_records", privacy.delete_login_records)
        management_entries.register()
        # People can follow a person's public contributions, through the person's page, if the person has one.
        register_followable(User, is_visible=profiles.has_public_page, url=lambda user: "",
                            title=lambda user: user.display_name)
        profiles.register_comment_section()
        selectors.RESIDENCIES.watch(Residency)
