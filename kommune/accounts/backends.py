from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Logs in with the e-mail address, whatever its letter case."""

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)
