from django import forms
from django.utils.translation import gettext_lazy as _

from kommune.core.comments.models import MAX_COMMENT_LENGTH, Comment
from kommune.core.comments.services import MAX_ASSISTED_NAME_LENGTH

MARKDOWN_HINT = _("At most 5,000 characters. You can use **bold**, *italic*, lists and links.")


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=MAX_COMMENT_LENGTH, help_text=MARKDOWN_HINT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please write your comment first; it is empty.")})


class ReplyForm(CommentForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Your reply")


class EditCommentForm(CommentForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Comment")


class AssistedCommentForm(CommentForm):
    channel = forms.ChoiceField(
        label=_("How did the comment reach you?"), widget=forms.RadioSelect,
        choices=[(c.value, c.label) for c in (Comment.Channel.PHONE, Comment.Channel.LETTER, Comment.Channel.EVENT)])
    assisted_name = forms.CharField(
        label=_("Name chosen by the resident"), max_length=MAX_ASSISTED_NAME_LENGTH,
        help_text=_("Shown with the comment. A first name or a pseudonym is fine; ask the resident."))

    field_order = ["channel", "assisted_name", "text"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("The resident's comment")


class ReactForm(forms.Form):
    value = forms.TypedChoiceField(coerce=int, choices=[(1, _("agree")), (-1, _("disagree")), (0, _("withdraw"))])
