import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('processes', '0003_phase_and_news_municipality'),
    ]

    operations = [
        migrations.AlterField(
            model_name='phase',
            name='municipality',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                    to='core.municipality'),
        ),
        migrations.AlterField(
            model_name='processnews',
            name='municipality',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                    to='core.municipality'),
        ),
    ]
