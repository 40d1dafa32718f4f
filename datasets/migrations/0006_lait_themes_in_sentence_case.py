"""LAIT indicators imported before themes were normalised carry the LAIT file's topics ("Child
Protection", "Contextual\\Other") beside the catalogue's "Child protection": rewrite them as
datasets.lait.theme_from now writes them, so the theme filter lists each theme once."""

from django.db import migrations


def theme_from(topic: str) -> str:
    # A copy of datasets.lait.theme_from as it was when this migration was written.
    text = topic.replace("\\", " and ").replace("&", " and ")
    words = text.split()
    if not words:
        return "LAIT"
    words[1:] = [w if len(w) > 1 and w.isupper() else w.lower() for w in words[1:]]
    return " ".join(words)[:100]


def normalise(apps, schema_editor):
    Indicator = apps.get_model("datasets", "Indicator")
    for theme in Indicator.objects.filter(source="lait").values_list("theme", flat=True).distinct():
        if theme_from(theme) != theme:
            Indicator.objects.filter(source="lait", theme=theme).update(theme=theme_from(theme))


class Migration(migrations.Migration):
    dependencies = [("datasets", "0005_indicator_definitions_in_words")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
