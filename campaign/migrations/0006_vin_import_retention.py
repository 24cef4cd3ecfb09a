from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0005_affected_unique_leads_with_vehicle'),
    ]

    operations = [
        migrations.AlterField(
            model_name='vinimport',
            name='source',
            field=models.FileField(blank=True, upload_to='vin-imports/%Y/%m/'),
        ),
        migrations.AddField(
            model_name='vinimport',
            name='source_deleted_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
