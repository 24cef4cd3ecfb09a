# The claim lists' "All" tabs, newest first, at 100,000 claims (bench/claims_bench.py).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('repairs', '0002_reimbursement'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='warrantyclaim',
            index=models.Index(fields=['dealer', '-submitted_at'], name='claim_by_dealer_newest'),
        ),
        migrations.AddIndex(
            model_name='warrantyclaim',
            index=models.Index(fields=['-submitted_at'], name='claim_newest'),
        ),
    ]
