"""What the methods library stores about a person: the methods, versions, uses, templates and copies they wrote
in a role for a municipality or a lab. They are in the person's export; on account deletion they stay (they are
the tenant's work and CC BY 4.0 texts), and the platform never shows who wrote them."""

from kommune.methods.models import Method, MethodUse, MethodVersion, Template, TemplateCopy


def export_methods(user) -> dict[str, list[dict]]:
    return {
        "methods": [{"title": m.title, "created_at": m.created_at.isoformat(), "url": m.get_absolute_url()}
                    for m in Method.objects.filter(created_by=user).order_by("pk")],
        "versions": [{"method": v.method.title, "number": v.number, "note": v.note,
                      "edited_at": v.edited_at.isoformat()}
                     for v in MethodVersion.objects.filter(edited_by=user).select_related("method").order_by("pk")],
        "uses": [{"method": u.method.title, "process": u.process.title, "created_at": u.created_at.isoformat()}
                 for u in MethodUse.objects.filter(created_by=user).select_related("method", "process")
                 .order_by("pk")],
        "templates": [{"title": t.title, "kind": t.kind, "created_at": t.created_at.isoformat()}
                      for t in Template.objects.filter(created_by=user).order_by("pk")],
        "copies": [{"title": c.title, "template": c.template.title, "copied_at": c.copied_at.isoformat()}
                   for c in TemplateCopy.objects.filter(copied_by=user).select_related("template").order_by("pk")],
    }
