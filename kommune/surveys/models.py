"""Surveys (questionnaires with conditions, answered once per person) and opinion maps (statements voted agree,
disagree or pass, grouped as Pol.is does). Both are opened by a phase of a participation process."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality


class Survey(models.Model):
    class Audience(models.TextChoices):
        REGISTERED = "registered", _("everyone with a confirmed account")
        VERIFIED = "verified", _("verified residents only")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="surveys")
    process = models.ForeignKey("processes.Process", on_delete=models.CASCADE, related_name="surveys",
                                verbose_name=_("participation process"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=True,
        help_text=_("Answers are stored without a link to the account; the platform only remembers that the "
                    "person answered."))
    audience = models.CharField(_("who may answer"), max_length=20, choices=Audience.choices,
                                default=Audience.REGISTERED)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Moved with F() in the transaction that stores a response; the unique constraint on Response is the truth.
    response_count = models.PositiveIntegerField(_("responses"), default=0)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "is_published"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", kwargs={"municipality_slug": self.municipality.slug, "survey_id": self.pk})


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TEXT = "text", _("free text")
        RATING = "rating", _("rating scale")
        RANKING = "ranking", _("ranking")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    is_required = models.BooleanField(_("required"), default=False)
    # The answer options of choice and ranking questions; answers store the option's index.
    options = models.JSONField(_("options"), default=list, blank=True)
    scale_min = models.SmallIntegerField(_("lowest value"), default=1)
    scale_max = models.SmallIntegerField(_("highest value"), default=5)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=60, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=60, blank=True)
    # Shown only when the earlier question ``condition_question`` was answered with ``condition_value`` (an option
    # index of a choice question, a value of a rating scale).
    condition_question = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                                           related_name="dependants", verbose_name=_("show only if question"))
    condition_value = models.IntegerField(_("was answered with"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE, self.Kind.RANKING)

    @property
    def scale(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))


class Response(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PAPER = "paper", _("paper questionnaire entered by staff")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Only for surveys that are not anonymous.
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="survey_responses")
    # A keyed hash of survey and person: one response per person, also in anonymous surveys, without storing who.
    # Empty (NULL) for paper questionnaires.
    respondent_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001  NULLs never collide
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    paper_reference = models.CharField(_("reference of the paper questionnaire"), max_length=100, blank=True)
    shares_name = models.BooleanField(_("name may appear in the evaluation"), default=False)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "respondent_key"], name="one_response_per_person")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # single: option index; multiple: list of indexes; text: string; rating: integer; ranking: indexes, first best.
    value = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class OpinionMap(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="opinion_maps")
    process = models.ForeignKey("processes.Process", on_delete=models.CASCADE, related_name="opinion_maps",
                                verbose_name=_("participation process"))
    title = models.CharField(_("question of the debate"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    statement_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)
    # The last computation (kommune/surveys/opinion.py): groups, coordinates, representative and consensus
    # statements; never who voted.
    result = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("opinion map")
        verbose_name_plural = _("opinion maps")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:map_detail", kwargs={"municipality_slug": self.municipality.slug,
                                                     "map_id": self.pk})


class Statement(models.Model):
    MAX_LENGTH = 280

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    opinion_map = models.ForeignKey(OpinionMap, on_delete=models.CASCADE, related_name="statements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="opinion_statements")
    text = models.CharField(_("statement"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.TextField(blank=True)
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    pass_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["opinion_map", "hidden_at"])]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.opinion_map.get_absolute_url() + f"#aussage-{self.pk}"


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("agree")
        DISAGREE = -1, _("disagree")
        PASS = 0, _("pass, unsure")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    opinion_map = models.ForeignKey(OpinionMap, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="opinion_votes")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["statement", "participant"], name="one_vote_per_statement")]
        indexes = [models.Index(fields=["opinion_map", "participant"])]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.value}"
