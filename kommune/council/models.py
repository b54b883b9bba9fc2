"""The council information of a municipality, shaped like the objects of OParl 1.1 (https://oparl.org/spezifikation/).

The municipality is the OParl Body. Every object keeps its creation and modification time and a soft-delete flag:
OParl clients sync with ``modified_since`` and must learn that an object was deleted, so rows are never removed.
Files are attached to a paper, a meeting or an agenda item with their role there (main file, invitation, ...).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.models import Municipality


class CouncilObject(models.Model):
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE,
                                     related_name="+")
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    modified = models.DateTimeField(_("modified"), auto_now=True, db_index=True)
    deleted = models.BooleanField(_("deleted"), default=False,
                                  help_text=_("Deleted objects stay visible to OParl clients that sync changes."))
    keyword = models.JSONField(_("keywords"), default=list, blank=True)
    web = models.URLField(_("web page"), blank=True)
    oparl_id = models.URLField(_("OParl source"), max_length=500, blank=True, default="",
                               help_text=_("The id of the object in the OParl system it was imported from."))

    class Meta:
        abstract = True
        constraints = [
            # A second import of the same source updates the row instead of adding one.
            models.UniqueConstraint(fields=["municipality", "oparl_id"], condition=~models.Q(oparl_id=""),
                                    name="%(app_label)s_%(class)s_unique_oparl_id"),
        ]


class LegislativeTerm(CouncilObject):
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta(CouncilObject.Meta):
        verbose_name = _("legislative term")
        verbose_name_plural = _("legislative terms")

    def __str__(self) -> str:
        return self.name


class Location(CouncilObject):
    description = models.CharField(_("description"), max_length=300, blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    sub_locality = models.CharField(_("district"), max_length=100, blank=True)
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    geojson = models.JSONField(_("GeoJSON"), null=True, blank=True)

    class Meta(CouncilObject.Meta):
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.description or self.street_address


class Organization(CouncilObject):
    class Type(models.TextChoices):
        # The values are the ones the OParl specification recommends.
        COMMITTEE = "Gremium", _("committee")
        PARTY = "Partei", _("party")
        GROUP = "Fraktion", _("parliamentary group")
        ADMINISTRATION = "Verwaltungsbereich", _("administrative unit")
        EXTERNAL = "externes Gremium", _("external committee")
        INSTITUTION = "Institution", _("institution")
        OTHER = "Sonstiges", _("other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    organization_type = models.CharField(_("type"), max_length=30, choices=Type.choices, default=Type.COMMITTEE)
    classification = models.CharField(_("classification"), max_length=100, blank=True)
    sub_organization_of = models.ForeignKey("self", verbose_name=_("part of"), null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="sub_organizations")
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    location = models.ForeignKey(Location, verbose_name=_("location"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta(CouncilObject.Meta):
        verbose_name = _("council organization")
        verbose_name_plural = _("council organizations")

    def __str__(self) -> str:
        return self.name


class Person(CouncilObject):
    name = models.CharField(_("name"), max_length=200)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    form_of_address = models.CharField(_("form of address"), max_length=50, blank=True)
    affix = models.CharField(_("affix"), max_length=50, blank=True)
    title = models.JSONField(_("academic titles"), default=list, blank=True)
    gender = models.CharField(_("gender"), max_length=20, blank=True)
    email = models.JSONField(_("e-mail addresses"), default=list, blank=True)
    phone = models.JSONField(_("phone numbers"), default=list, blank=True)
    status = models.JSONField(_("roles"), default=list, blank=True, help_text=_("For example “Ratsmitglied”."))
    life = models.TextField(_("biography"), blank=True)
    location = models.ForeignKey(Location, verbose_name=_("contact address"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta(CouncilObject.Meta):
        verbose_name = _("council person")
        verbose_name_plural = _("council persons")

    def __str__(self) -> str:
        return self.name


class Membership(CouncilObject):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="memberships")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField(_("role"), max_length=100, blank=True)
    voting_right = models.BooleanField(_("voting right"), default=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    on_behalf_of = models.ForeignKey(Organization, verbose_name=_("on behalf of"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta(CouncilObject.Meta):
        verbose_name = _("council membership")
        verbose_name_plural = _("council memberships")

    def __str__(self) -> str:
        return f"{self.person} – {self.organization}"


class Meeting(CouncilObject):
    class State(models.TextChoices):
        SCHEDULED = "terminiert", _("scheduled")
        INVITED = "eingeladen", _("invited")
        DONE = "durchgeführt", _("held")

    name = models.CharField(_("name"), max_length=300)
    meeting_state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SCHEDULED)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    location = models.ForeignKey(Location, verbose_name=_("location"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="meetings")

    class Meta(CouncilObject.Meta):
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["municipality", "start"], name="council_meeting_calendar")]

    def __str__(self) -> str:
        return self.name


class AgendaItem(CouncilObject):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="agenda_items")
    number = models.CharField(_("number"), max_length=20, blank=True)
    order = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=500)
    public = models.BooleanField(_("public"), default=True)
    result = models.CharField(_("result"), max_length=200, blank=True)
    resolution_text = models.TextField(_("resolution"), blank=True)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)

    class Meta(CouncilObject.Meta):
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class Paper(CouncilObject):
    name = models.CharField(_("name"), max_length=500)
    reference = models.CharField(_("reference"), max_length=50, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    paper_type = models.CharField(_("type of paper"), max_length=100, blank=True,
                                  help_text=_("For example “Beschlussvorlage” or “Antrag”."))
    originator_organization = models.ForeignKey(Organization, verbose_name=_("submitted by"), null=True,
                                                blank=True, on_delete=models.SET_NULL, related_name="+")
    under_direction_of = models.ForeignKey(Organization, verbose_name=_("under the direction of"), null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="+")
    location = models.ForeignKey(Location, verbose_name=_("location"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta(CouncilObject.Meta):
        verbose_name = _("council paper")
        verbose_name_plural = _("council papers")
        # The paper list: newest first (a page costs the same on the last page as on the first).
        indexes = [models.Index(fields=["municipality", "-date", "-id"], name="council_paper_list"),
                   models.Index(fields=["municipality", "paper_type"], name="council_paper_types")]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}".strip()


class Consultation(CouncilObject):
    paper = models.ForeignKey(Paper, verbose_name=_("paper"), on_delete=models.CASCADE,
                              related_name="consultations")
    agenda_item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="consultations")
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="consultations")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="consultations")
    authoritative = models.BooleanField(_("decides"), default=False)
    role = models.CharField(_("role"), max_length=100, blank=True,
                            help_text=_("For example “Beratung” or “Entscheidung”."))

    class Meta(CouncilObject.Meta):
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.paper} – {self.role}"


class File(CouncilObject):
    class Role(models.TextChoices):
        MAIN = "main", _("main file")
        AUXILIARY = "auxiliary", _("attachment")
        INVITATION = "invitation", _("invitation")
        RESULTS_PROTOCOL = "results_protocol", _("minutes of results")
        VERBATIM_PROTOCOL = "verbatim_protocol", _("verbatim minutes")
        RESOLUTION = "resolution", _("resolution")

    name = models.CharField(_("name"), max_length=300)
    file = models.FileField(_("file"), upload_to="council/")
    file_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(_("media type"), max_length=100, default="application/pdf")
    date = models.DateField(_("date"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha1_checksum = models.CharField(_("SHA-1 checksum"), max_length=40, blank=True)
    text = models.TextField(_("text"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AUXILIARY)
    paper = models.ForeignKey(Paper, verbose_name=_("paper"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="files")
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="files")
    agenda_item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="files")

    class Meta(CouncilObject.Meta):
        verbose_name = _("council file")
        verbose_name_plural = _("council files")

    def __str__(self) -> str:
        return self.name


class OParlImport(models.Model):
    """One OParl body imported into a municipality; the start of its last successful run is the ``modified_since``
    of the next one."""

    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE,
                                     related_name="+")
    system_url = models.URLField(_("OParl system"), max_length=500)
    body_id = models.URLField(_("OParl body"), max_length=500)
    last_success = models.DateTimeField(_("last successful import"), null=True, blank=True)

    class Meta:
        verbose_name = _("OParl import")
        verbose_name_plural = _("OParl imports")
        constraints = [models.UniqueConstraint(fields=["municipality", "body_id"],
                                               name="council_oparlimport_unique_body")]

    def __str__(self) -> str:
        return self.body_id
