"""Phases and news carry their municipality like every tenant-owned row: added empty, filled from the process,
then required (0004, in its own transaction, so PostgreSQL has no pending constraint checks when it alters)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_from_process(apps, schema_editor):
    Process = apps.get_model("processes", "Process")
    municipality_of_process = Subquery(Process.objects.filter(pk=OuterRef("process_id")).values("municipality_id")[:1])
    for name in ("Phase", "ProcessNews"):
        apps.get_model("processes", name).objects.update(municipality_id=municipality_of_process)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('processes', '0002_news_and_published_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='phase',
            name='municipality',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                    to='core.municipality'),
        ),
        migrations.AddField(
            model_name='processnews',
            name='municipality',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                    to='core.municipality'),
        ),
        migrations.RunPython(fill_from_process, migrations.RunPython.noop),
    ]
