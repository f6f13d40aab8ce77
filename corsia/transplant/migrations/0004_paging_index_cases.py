# Issue 27: the unit's cases page by page, the most recently taken in charge first.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("transplant", "0003_merge_0002_followup_0002_pretransplant"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="transplant",
            index=models.Index(fields=["-taken_in_charge_on", "-id"], name="transplant_taken_id"),
        ),
    ]
