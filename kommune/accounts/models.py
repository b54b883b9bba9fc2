from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("display_name", "Admin")
        fields.update(is_staff=True, is_superuser=True, email_confirmed_at=timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The display name is public (a pseudonym is fine); the real name stays private."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("public name"), max_length=80,
                                    help_text=_("Shown with your contributions. A pseudonym is allowed."))
    real_name = models.CharField(_("real name"), max_length=200, blank=True,
                                 help_text=_("Private. Only staff of your municipality see it, for example "
                                             "when they verify your residency."))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True,
                                  help_text=_("Private. Needed only where a minimum age applies, for example to "
                                              "support citizen proposals."))
    # Opt-in: a page per municipality lists what the person published there under their public name, and others
    # can follow them through it. Off, the person is nobody's to look up (kommune/accounts/profiles.py).
    public_profile = models.BooleanField(
        _("public profile page"), default=False,
        help_text=_("Shows your proposals and comments under your public name on one page, which others can "
                    "follow. Off by default."))
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Residency(models.Model):
    """Verified residency of a person in a municipality, the condition for binding participation."""

    class Method(models.TextChoices):
        COUNTER = "counter", _("verified in person by staff")
        LETTER_CODE = "letter_code", _("verified with a code sent by letter")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="residencies")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="residencies")
    method = models.CharField(max_length=20, choices=Method.choices)
    verified_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verified residency")
        verbose_name_plural = _("verified residencies")
        constraints = [models.UniqueConstraint(fields=["user", "municipality"], name="one_residency_per_municipality")]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality}"


class LetterCodeBatch(models.Model):
    """A set of one-time codes that the municipality prints and sends to residents by post."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="letter_code_batches")
    note = models.CharField(_("note"), max_length=200, blank=True,
                            help_text=_("For example the street list or mailing this batch is meant for."))
    expires_at = models.DateTimeField(_("valid until"))
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.municipality} {self.created_at:%Y-%m-%d} ({self.note})"


class LetterCode(models.Model):
    # Stored readable: staff must be able to print a batch again, and a code is only worth something
    # together with the letter's addressee, expires, and can be used once.
    batch = models.ForeignKey(LetterCodeBatch, on_delete=models.CASCADE, related_name="codes")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=12, unique=True)
    used_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.formatted

    @property
    def formatted(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
