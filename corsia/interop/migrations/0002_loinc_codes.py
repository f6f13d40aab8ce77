"""The LOINC codes of the analytes the chart suggests (records.domain.labs.COMMON_ANALYTES),
so a laboratory sending LOINC lands on the same trend as results typed by hand. More rows
(a laboratory's local codes) are added to the table by the hospital.

This material contains content from LOINC (http://loinc.org), copyright Regenstrief
Institute, Inc. and the LOINC Committee, available at no cost under the licence at
http://loinc.org/license."""

from django.db import migrations

LOINC = (
    ("718-7", "Emoglobina"),
    ("6690-2", "Leucociti"),
    ("751-8", "Neutrofili"),
    ("777-3", "Piastrine"),
    ("2160-0", "Creatinina"),
    ("1742-6", "ALT"),
    ("1920-8", "AST"),
    ("1975-2", "Bilirubina totale"),
    ("2532-0", "LDH"),
    ("2039-6", "CEA"),
    ("6875-9", "CA 15-3"),
    ("24108-3", "CA 19-9"),
    ("10334-1", "CA 125"),
    ("2857-1", "PSA"),
)


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    mapping = apps.get_model("interop", "LabCodeMapping")
    for code, analyte in LOINC:
        mapping.objects.get_or_create(system="LN", code=code, defaults={"analyte": analyte})


class Migration(migrations.Migration):
    dependencies = [("interop", "0001_inbound_messages")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
