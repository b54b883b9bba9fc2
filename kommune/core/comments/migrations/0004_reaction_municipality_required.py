import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0003_reaction_municipality'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reaction',
            name='municipality',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                    to='core.municipality'),
        ),
    ]
