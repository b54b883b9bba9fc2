"""Pages of a lab's workspace under /labs/<lab>/. Every page reads through the selectors with ``member`` (the
reader is a member of the lab): a non-member never sees, nor reaches, an internal item (404 as if missing)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommune.core.access import get_for_tenant, lab_view
from kommune.core.files import file_response
from kommune.core.lab_sections import LabPage, LabSubProject, sections_for_lab
from kommune.core.models import Lab
from kommune.core.types import AuthenticatedHttpRequest
from kommune.labs import forms, selectors, services
from kommune.labs.feeds import LabNewsFeed
from kommune.labs.models import Document, MeetingNote, News, Responsible, SubProject, SubProjectLink, Task, Visibility

CONTRIBUTE = "labs.contribute"
MANAGE = "labs.manage"


def _member(request: HttpRequest, lab: Lab) -> bool:
    return selectors.is_member(request.user, lab)


def _context(request: HttpRequest, lab: Lab, **extra) -> dict:
    member = _member(request, lab)
    return {"lab": lab, "member": member, "can_contribute": member and request.user.has_perm(CONTRIBUTE, lab),
            "can_manage": request.user.has_perm(MANAGE, lab), **extra}


@lab_view()
def lab_home(request: HttpRequest, lab: Lab) -> HttpResponse:
    member = _member(request, lab)
    subprojects = list(selectors.subprojects(lab, member=member))
    # What other features show about the lab (its impact models, …), limited to what this reader may see.
    page = LabPage(lab, member, [LabSubProject(sp.pk, sp.title, sp.get_absolute_url()) for sp in subprojects],
                   SubProject)
    return render(request, "labs/lab_home.html", _context(
        request, lab,
        lab_municipalities=lab.municipalities.order_by("name"),
        organisations=lab.organisations.select_related("municipality").order_by("name"),
        subprojects=subprojects,
        sections=sections_for_lab(page),
        news=list(selectors.news(lab, member=member)[:selectors.NEWS_ON_HOME]),
        events=list(selectors.upcoming_events(lab, member=member)[:10]),
        timeline=selectors.timeline(lab, member=member)))


def _subproject(request: HttpRequest, lab: Lab, subproject_id: int) -> SubProject:
    return selectors.subproject_or_404(lab, subproject_id, member=_member(request, lab))


@lab_view()
def subproject(request: HttpRequest, lab: Lab, subproject_id: int) -> HttpResponse:
    member = _member(request, lab)
    sp = selectors.subproject_or_404(lab, subproject_id, member=member)
    return render(request, "labs/subproject.html", _context(
        request, lab, subproject=sp, responsibles=selectors.responsible_people(sp),
        tasks=list(selectors.tasks(sp, member=member)), notes=list(selectors.notes(sp, member=member)),
        documents=list(selectors.documents(sp, member=member)), links=selectors.links(sp),
        news=list(selectors.news(lab, member=member).filter(subproject=sp)[:10]),
        today=timezone.localdate()))


@lab_view()
def note(request: HttpRequest, lab: Lab, subproject_id: int, note_id: int) -> HttpResponse:
    member = _member(request, lab)
    sp = selectors.subproject_or_404(lab, subproject_id, member=member)
    found = selectors.item_or_404(selectors.notes(sp, member=member), sp, note_id)
    return render(request, "labs/note.html", _context(request, lab, subproject=sp, note=found))


@lab_view()
def document(request: HttpRequest, lab: Lab, subproject_id: int, document_id: int) -> HttpResponseBase:
    member = _member(request, lab)
    sp = selectors.subproject_or_404(lab, subproject_id, member=member)
    found = selectors.item_or_404(selectors.documents(sp, member=member), sp, document_id)
    return file_response(found.file, as_attachment=True, private=not found.is_public)


@lab_view()
def news_list(request: HttpRequest, lab: Lab) -> HttpResponse:
    return render(request, "labs/news_list.html", _context(
        request, lab, news=list(selectors.news(lab, member=_member(request, lab))[:50])))


@lab_view()
def news(request: HttpRequest, lab: Lab, news_id: int) -> HttpResponse:
    item = selectors.news_or_404(lab, news_id, member=_member(request, lab))
    return render(request, "labs/news.html", _context(request, lab, item=item))


@lab_view()
def news_feed(request: HttpRequest, lab: Lab) -> HttpResponse:
    return LabNewsFeed()(request, lab=lab)


# --- Working on sub-projects (members) --------------------------------------------------------------------------


def _form_page(request: HttpRequest, lab: Lab, form, heading: str, *, subproject: SubProject | None = None,
               multipart: bool = False) -> HttpResponse:
    return render(request, "labs/form.html", _context(request, lab, form=form, heading=heading,
                                                      subproject=subproject, multipart=multipart))


@lab_view(CONTRIBUTE)
def subproject_create(request: AuthenticatedHttpRequest, lab: Lab) -> HttpResponse:
    form = forms.SubProjectForm(request.POST or None, lab=lab)
    if request.method == "POST" and form.is_valid():
        try:
            sp = services.do_create_subproject(lab=lab, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("The sub-project was created."))
            return redirect(sp.get_absolute_url())
    return _form_page(request, lab, form, _("New sub-project"))


@lab_view(CONTRIBUTE)
def subproject_edit(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int) -> HttpResponse:
    sp = get_for_tenant(SubProject, lab, pk=subproject_id)
    initial = {name: getattr(sp, name) for name in ("title", "goal", "description", "state", "starts_on", "ends_on",
                                                   "visibility")}
    form = forms.SubProjectForm(request.POST or None, lab=lab,
                                initial={**initial, "municipalities": list(sp.municipalities.all())})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_subproject(subproject=sp, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("The sub-project was saved."))
            return redirect(sp.get_absolute_url())
    return _form_page(request, lab, form, _("Edit “%(title)s”") % {"title": sp.title}, subproject=sp)


def _add(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int, form_class, service, heading: str,
         done: str, form_kwargs: dict | None = None) -> HttpResponse:
    sp = get_for_tenant(SubProject, lab, pk=subproject_id)
    form = form_class(request.POST or None, request.FILES or None, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            service(subproject=sp, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(sp.get_absolute_url())
    return _form_page(request, lab, form, heading % {"title": sp.title}, subproject=sp,
                      multipart=form.is_multipart())


@lab_view(CONTRIBUTE)
def task_create(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int) -> HttpResponse:
    return _add(request, lab, subproject_id, forms.TaskForm, services.do_add_task,
                _("New task in “%(title)s”"), _("The task was added."), {"lab": lab})


@lab_view(CONTRIBUTE)
def note_create(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int) -> HttpResponse:
    return _add(request, lab, subproject_id, forms.NoteForm, services.do_add_note,
                _("Meeting notes for “%(title)s”"), _("The meeting notes were saved."))


@lab_view(CONTRIBUTE)
def document_create(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int) -> HttpResponse:
    return _add(request, lab, subproject_id, forms.DocumentForm, services.do_add_document,
                _("New document for “%(title)s”"), _("The document was added."))


@lab_view(CONTRIBUTE)
def responsible_add(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int) -> HttpResponse:
    return _add(request, lab, subproject_id, forms.ResponsibleForm, services.do_add_responsible,
                _("Responsible for “%(title)s”"), _("The person is now responsible for the sub-project."), {"lab": lab})


@lab_view(CONTRIBUTE)
def link_create(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int) -> HttpResponse:
    return _add(request, lab, subproject_id, forms.LinkForm, services.do_link,
                _("Link a result of “%(title)s”"), _("The link was added."),
                {"lab": lab, "kinds": services.linkable_kinds()})


@lab_view(CONTRIBUTE)
@require_POST
def link_remove(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int, link_id: int) -> HttpResponse:
    link = get_for_tenant(SubProjectLink.objects.select_related("subproject", "lab"), lab, pk=link_id,
                          subproject_id=subproject_id)
    services.do_unlink(link=link, actor=request.user)
    messages.success(request, _("The link was removed."))
    return redirect(link.subproject.get_absolute_url())


@lab_view(CONTRIBUTE)
@require_POST
def responsible_remove(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int,
                       responsible_id: int) -> HttpResponse:
    row = get_for_tenant(Responsible.objects.select_related("subproject", "lab"), lab, pk=responsible_id,
                         subproject_id=subproject_id)
    services.do_remove_responsible(responsible=row, actor=request.user)
    messages.success(request, _("The person is no longer responsible for the sub-project."))
    return redirect(row.subproject.get_absolute_url())


@lab_view(CONTRIBUTE)
@require_POST
def task_done(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int, task_id: int) -> HttpResponse:
    task = get_for_tenant(Task.objects.select_related("subproject", "lab"), lab, pk=task_id,
                          subproject_id=subproject_id)
    services.do_set_task_done(task=task, actor=request.user, done=request.POST.get("done") == "1")
    return redirect(task.subproject.get_absolute_url() + "#tasks-heading")


# --- Editing and deleting (members; the lab's news: its admins and staff) -----------------------------------------


def _confirm_delete(request: HttpRequest, lab: Lab, *, heading: str, question: str, cancel_url: str,
                    subproject: SubProject | None = None) -> HttpResponse:
    """The confirmation step of a deletion: a page with a POST form; the deletion happens only on its POST."""
    return render(request, "labs/confirm_delete.html", _context(
        request, lab, heading=heading, question=question, cancel_url=cancel_url, subproject=subproject))


def _task(lab: Lab, subproject_id: int, task_id: int) -> Task:
    return get_for_tenant(Task.objects.select_related("subproject", "lab", "owner"), lab, pk=task_id,
                          subproject_id=subproject_id)


@lab_view(CONTRIBUTE)
def task_edit(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int, task_id: int) -> HttpResponse:
    task = _task(lab, subproject_id, task_id)
    form = forms.TaskForm(request.POST or None, lab=lab, initial={
        "title": task.title, "due_on": task.due_on, "owner": task.owner_id, "visibility": task.visibility})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_task(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("The task was saved."))
            return redirect(task.subproject.get_absolute_url() + "#tasks-heading")
    return _form_page(request, lab, form, _("Edit the task “%(title)s”") % {"title": task.title},
                      subproject=task.subproject)


@lab_view(CONTRIBUTE)
def task_delete(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int, task_id: int) -> HttpResponse:
    task = _task(lab, subproject_id, task_id)
    back = task.subproject.get_absolute_url() + "#tasks-heading"
    if request.method == "POST":
        services.do_delete_task(task=task, actor=request.user)
        messages.success(request, _("The task “%(title)s” was deleted.") % {"title": task.title})
        return redirect(back)
    return _confirm_delete(request, lab, heading=_("Delete the task “%(title)s”") % {"title": task.title},
                           question=_("The task is deleted for good. This cannot be undone."), cancel_url=back,
                           subproject=task.subproject)


def _note(lab: Lab, subproject_id: int, note_id: int) -> MeetingNote:
    return get_for_tenant(MeetingNote.objects.select_related("subproject", "lab"), lab, pk=note_id,
                          subproject_id=subproject_id)


@lab_view(CONTRIBUTE)
def note_edit(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int, note_id: int) -> HttpResponse:
    found = _note(lab, subproject_id, note_id)
    form = forms.NoteForm(request.POST or None, initial={
        "title": found.title, "met_on": found.met_on, "text": found.text, "visibility": found.visibility})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_note(note=found, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("The meeting notes were saved."))
            return redirect(found.get_absolute_url())
    return _form_page(request, lab, form, _("Edit the meeting notes “%(title)s”") % {"title": found.title},
                      subproject=found.subproject)


@lab_view(CONTRIBUTE)
def note_delete(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int, note_id: int) -> HttpResponse:
    found = _note(lab, subproject_id, note_id)
    back = found.subproject.get_absolute_url() + "#notes-heading"
    if request.method == "POST":
        services.do_delete_note(note=found, actor=request.user)
        messages.success(request, _("The meeting notes “%(title)s” were deleted.") % {"title": found.title})
        return redirect(back)
    return _confirm_delete(request, lab, heading=_("Delete the meeting notes “%(title)s”") % {"title": found.title},
                           question=_("The meeting notes are deleted for good. This cannot be undone."),
                           cancel_url=found.get_absolute_url(), subproject=found.subproject)


@lab_view(CONTRIBUTE)
def document_delete(request: AuthenticatedHttpRequest, lab: Lab, subproject_id: int,
                    document_id: int) -> HttpResponse:
    found = get_for_tenant(Document.objects.select_related("subproject", "lab"), lab, pk=document_id,
                           subproject_id=subproject_id)
    back = found.subproject.get_absolute_url() + "#documents-heading"
    if request.method == "POST":
        services.do_delete_document(document=found, actor=request.user)
        messages.success(request, _("The document “%(title)s” was deleted.") % {"title": found.title})
        return redirect(back)
    return _confirm_delete(request, lab, heading=_("Delete the document “%(title)s”") % {"title": found.title},
                           question=_("The document and its file are deleted for good. This cannot be undone."),
                           cancel_url=back, subproject=found.subproject)


def _news(lab: Lab, news_id: int) -> News:
    return get_for_tenant(News.objects.select_related("subproject", "lab"), lab, pk=news_id)


@lab_view(MANAGE)
def news_edit(request: AuthenticatedHttpRequest, lab: Lab, news_id: int) -> HttpResponse:
    item = _news(lab, news_id)
    form = forms.NewsForm(request.POST or None, lab=lab, initial={
        "title": item.title, "text": item.text, "subproject": item.subproject_id, "visibility": item.visibility})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_news(news=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("The news was saved."))
            return redirect(item.get_absolute_url())
    return _form_page(request, lab, form, _("Edit the news “%(title)s”") % {"title": item.title})


@lab_view(MANAGE)
def news_delete(request: AuthenticatedHttpRequest, lab: Lab, news_id: int) -> HttpResponse:
    item = _news(lab, news_id)
    if request.method == "POST":
        services.do_delete_news(news=item, actor=request.user)
        messages.success(request, _("The news “%(title)s” was deleted.") % {"title": item.title})
        return redirect("labs:news_list", lab_slug=lab.slug)
    return _confirm_delete(request, lab, heading=_("Delete the news “%(title)s”") % {"title": item.title},
                           question=_("The news is deleted for good: it leaves the lab's page, the feed and the "
                                      "search. This cannot be undone."), cancel_url=item.get_absolute_url())


@lab_view(CONTRIBUTE)
@require_POST
def set_visibility(request: AuthenticatedHttpRequest, lab: Lab, item_kind: str, item_id: int) -> HttpResponse:
    model = services.ITEM_MODELS.get(item_kind)
    if model is None:
        raise Http404
    item = get_for_tenant(model, lab, pk=item_id)
    form = forms.VisibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose whether the item is public or internal to the lab."))
    else:
        services.do_set_visibility(item=item, actor=request.user, visibility=form.cleaned_data["visibility"])
        messages.success(request, _("“%(title)s” is now public.") % {"title": item} if form.cleaned_data[
            "visibility"] == Visibility.PUBLIC else _("“%(title)s” is now internal to the lab.") % {"title": item})
    target = item if isinstance(item, SubProject) else getattr(item, "subproject", None)
    return redirect(target.get_absolute_url() if target is not None else lab.get_absolute_url())


@lab_view(MANAGE)
def news_create(request: AuthenticatedHttpRequest, lab: Lab) -> HttpResponse:
    form = forms.NewsForm(request.POST or None, lab=lab)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.do_publish_news(lab=lab, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("The news was published."))
            return redirect(item.get_absolute_url())
    return _form_page(request, lab, form, _("Write news of the lab"))


@lab_view(MANAGE)
def event_create(request: AuthenticatedHttpRequest, lab: Lab) -> HttpResponse:
    form = forms.EventForm(request.POST or None, lab=lab)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_add_event(lab=lab, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("The date was added."))
            return redirect(lab.get_absolute_url() + "#events-heading")
    return _form_page(request, lab, form, _("New date of the lab"))
