"""A municipality's settings of citizen proposals as a blueprint (kommune/core/blueprints.py): who may support, the
threshold, the collection and answer periods. Copying applies them to the target municipality through
``do_update_proposal_settings`` (its checks and its audit-log entry apply); they carry no dates."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kommune.core.models import Municipality
from kommune.core.types import User
from kommune.proposals import services
from kommune.proposals.models import ProposalSettings


def sources(municipality: Municipality):
    return ProposalSettings.objects.filter(municipality=municipality)


def export(settings: ProposalSettings) -> dict[str, Any]:
    data = {name: getattr(settings, name) for name in services.SETTINGS_FIELDS}
    data["threshold_share"] = str(data["threshold_share"])
    return data


def create(*, municipality: Municipality, data: dict, start: date, actor: User) -> ProposalSettings:
    fields = {name: data[name] for name in services.SETTINGS_FIELDS if name in data}
    if "threshold_share" in fields:
        try:
            fields["threshold_share"] = Decimal(str(fields["threshold_share"]))
        except InvalidOperation:
            raise ValidationError(_("The template's settings cannot be read."), code="invalid_template") from None
    return services.do_update_proposal_settings(municipality=municipality, actor=actor, **fields)


def describe(data: dict) -> list[str]:
    if data.get("threshold_kind") == ProposalSettings.ThresholdKind.SHARE:
        threshold = _("%(share)s %% of the population") % {"share": data.get("threshold_share")}
    else:
        threshold = _("%(count)s supports") % {"count": data.get("threshold_absolute")}
    return [_("Threshold: %(threshold)s; collection %(collect)s days; answer within %(answer)s days")
            % {"threshold": threshold, "collect": data.get("collection_days"), "answer": data.get("answer_days")}]


def register() -> None:
    from django.utils.translation import gettext_lazy

    from kommune.core.blueprints import register_blueprint

    register_blueprint("proposal_settings", label=gettext_lazy("Settings of citizen proposals"),
                       model=ProposalSettings, sources=sources, export=export, create=create, describe=describe,
                       dated=False)
