"""The core comments in the evaluation export of a process: the comments and replies on the process itself.

Features whose comments sit on their own objects (a consultation's paragraphs) register their own source. No
consent to publish names is recorded on this platform: authors appear as pseudonyms (evaluation.pseudonym_for),
with ``include_personal`` as their public display name."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommune.core.comments.models import Comment
from kommune.core.processes.evaluation import EvaluationTable, pseudonym_for

COLUMNS = ("comment_id", "reply_to", "text", "author", "channel", "created_at", "agree", "disagree", "hidden")


def process_comments(process, *, include_personal: bool = False) -> list[EvaluationTable]:
    comments = (Comment.objects.filter(thread__content_type=ContentType.objects.get_for_model(type(process)),
                                       thread__object_id=process.pk, municipality=process.municipality)
                .select_related("author").order_by("created_at", "pk"))
    rows = []
    for comment in comments.iterator(chunk_size=1000):
        author = comment.author
        rows.append([
            comment.pk, comment.parent_id or "", "" if comment.hidden_at else comment.text,
            str(author) if include_personal and author is not None else pseudonym_for(process, author),
            comment.channel or "online", timezone.localtime(comment.created_at).isoformat(),
            comment.agree_count, comment.disagree_count, comment.hidden_at is not None,
        ])
    return [EvaluationTable("comments", _("Comments"), COLUMNS, rows)]
