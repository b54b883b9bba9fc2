"""Ratings of steps in a person's data export. On account deletion (services.anonymise_ratings) the ratings stay
counted without the person and without their free texts."""

from kommune.codesign.models import Rating


def export_ratings(user) -> list[dict]:
    ratings = (Rating.objects.filter(person=user).select_related("service__municipality", "step", "theme")
               .order_by("service_id", "step__position", "id"))
    return [{"municipality": r.service.municipality.name, "service": r.service.title, "step": r.step.title,
             "effort": r.effort, "clarity": r.clarity, "problem": r.problem, "idea": r.idea,
             "used_on": r.used_on.isoformat(), "rated_at": r.created_at.isoformat(),
             "changed_at": r.updated_at.isoformat(), "url": r.step.get_absolute_url()}
            for r in ratings.iterator(chunk_size=500)]


def export_assisted_entries(user) -> list[dict]:
    """Ratings the person entered as staff for residents: when, where and how, without what the residents said."""
    ratings = (Rating.objects.filter(entered_by=user).select_related("service__municipality", "step")
               .order_by("created_at", "id"))
    return [{"municipality": r.service.municipality.name, "service": r.service.title, "step": r.step.title,
             "channel": r.channel, "reference": r.reference, "entered_at": r.created_at.isoformat()}
            for r in ratings.iterator(chunk_size=500)]
