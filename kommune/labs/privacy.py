"""The lab workspace in a person's data export and account deletion.

Exported: the sub-projects a person is responsible for and the tasks they own. On account deletion both go (a
responsibility ends, a task loses its owner); what the person wrote in the lab (notes, documents, news) stays
with the lab as the work of the lab, without the person (the author is set to nobody by the foreign key).
"""

from kommune.core import privacy
from kommune.labs.models import Responsible, Task


def export_responsibilities(user) -> list[dict]:
    rows = Responsible.objects.filter(user=user).select_related("lab", "subproject").order_by("pk")
    return [{"lab": row.lab.name, "sub_project": row.subproject.title, "task": row.task} for row in rows]


def export_tasks(user) -> list[dict]:
    rows = Task.objects.filter(owner=user).select_related("lab", "subproject").order_by("pk")
    return [{"lab": row.lab.name, "sub_project": row.subproject.title, "task": row.title,
             "due_on": row.due_on.isoformat() if row.due_on else None, "done": row.is_done} for row in rows]


def forget(user) -> None:
    Responsible.objects.filter(user=user).delete()
    Task.objects.filter(owner=user).update(owner=None)


def register() -> None:
    privacy.register_exporter("lab_responsibilities", export_responsibilities, covers=["labs.Responsible.user"])
    privacy.register_exporter("lab_tasks", export_tasks, covers=["labs.Task.owner"])
    privacy.register_anonymiser("lab_work", forget)
    privacy.NOT_EXPORTED.update({
        "labs.SubProject.created_by": "act in a lab role: creating a sub-project of the lab",
        "labs.MeetingNote.author": "act in a lab role: writing the lab's meeting notes",
        "labs.Document.uploaded_by": "act in a lab role: adding a document of the lab",
        "labs.News.author": "act in a lab role: publishing the lab's news",
    })
