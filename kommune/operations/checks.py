"""Deploy checks of the installation (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

DEVELOPMENT_MAILERS = {"kommune.core.mail.ConsoleEmailBackend"}


@register(Tags.mail, deploy=True)
def check_readable_console_mailer(app_configs, **kwargs) -> list[Error]:
    """Django's own check (mail.E001) knows only its backends; the readable console backend is one of them too.
    The same id, so that silencing mail.E001 silences both."""
    backend = getattr(settings, "MAILERS", {}).get("default", {}).get("BACKEND")
    if backend not in DEVELOPMENT_MAILERS:
        return []
    return [Error(f"Your MAILERS setting uses a development-only email backend in the 'default' entry ({backend}).",
                  hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_* settings, "
                       "otherwise email will not be sent.", id="mail.E001")]
