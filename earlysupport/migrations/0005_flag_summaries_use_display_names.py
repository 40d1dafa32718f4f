"""Flags raised before rules wrote councils' display names read "Kingston upon Hull, City of's
children's services": rewrite those summaries as the rules now write them."""

from django.db import migrations

SORTABLE_SUFFIXES = ("City of", "County of")  # as regions.models.council_display_name


def display_names(apps, schema_editor):
    Council = apps.get_model("regions", "Council")
    Flag = apps.get_model("earlysupport", "Flag")
    for council in Council.objects.all():
        base, comma, suffix = council.name.rpartition(", ")
        if not (comma and suffix in SORTABLE_SUFFIXES):
            continue
        shown = f"{suffix} {base}"
        for flag in Flag.objects.filter(council=council, summary__contains=council.name):
            flag.summary = flag.summary.replace(council.name, shown)
            flag.save(update_fields=["summary"])


class Migration(migrations.Migration):
    dependencies = [
        ("earlysupport", "0004_import_run_heartbeat"),
        ("regions", "0001_initial"),
    ]

    operations = [migrations.RunPython(display_names, migrations.RunPython.noop)]
