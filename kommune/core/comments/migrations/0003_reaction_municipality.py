"""Reactions carry their municipality like every tenant-owned row: added empty, filled from the comment, then
required (0004, in its own transaction, so PostgreSQL has no pending constraint checks when it alters)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_from_comment(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    Reaction = apps.get_model("comments", "Reaction")
    Reaction.objects.update(municipality_id=Subquery(
        Comment.objects.filter(pk=OuterRef("comment_id")).values("municipality_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0002_comment_comment_top_level_page'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='reaction',
            name='municipality',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                    to='core.municipality'),
        ),
        migrations.RunPython(fill_from_comment, migrations.RunPython.noop),
    ]
