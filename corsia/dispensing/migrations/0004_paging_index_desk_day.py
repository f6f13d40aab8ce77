# Issue 27: a desk's dispensings of the day page by page, the newest first.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dispensing", "0003_plan_closure_delegation_revocation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dispensing",
            index=models.Index(
                fields=["workstation", "-dispensed_at", "-id"], name="dispensing_desk_at"
            ),
        ),
    ]
