"""The seven perspectives of openness of the "Modellkommune Open Government" programme: the map of the product.

Methods in the library, indicators of impact models and the questions of the openness self-assessment are
filed under them, so a perspective has one stable key everywhere (forms, the API, open data)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Perspective(models.TextChoices):
    TRANSPARENCY = "transparency", _("Transparency")
    AGENDA_SETTING = "agenda_setting", _("Open agenda setting")
    DIALOGUE = "dialogue", _("Dialogue-oriented participation")
    CO_PRODUCTION = "co_production", _("Co-production and co-creation")
    INNOVATION = "innovation", _("Openness to change and innovation")
    OPEN_DATA = "open_data", _("Open digital technologies and data")
    CULTURE = "culture", _("Openness as organisational culture")
