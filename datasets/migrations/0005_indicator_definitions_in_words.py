"""The shipped indicators' definitions say what they count in words, without the source files'
column names ("rereferral_percent", "turnover_rate_fte"). Only a definition still as shipped is
changed: one national staff have edited is left as it is."""

from django.db import migrations

# code: (as shipped before, in words)
DEFINITIONS = {
    "rereferral_pct": (
        "Referrals in the year that were within 12 months of a previous referral, as a "
        "percentage of all referrals (rereferral_percent, table C1).",
        "Referrals in the year that were within 12 months of a previous referral, as a "
        "percentage of all referrals (table C1).",
    ),
    "cpp_subsequent_pct": (
        "Plans starting in the year that were a second or subsequent plan for the child, as a "
        "percentage of all plans starting (CPP_subsequent_percent, table D3).",
        "Plans starting in the year that were a second or subsequent plan for the child, as a "
        "percentage of all plans starting (table D3).",
    ),
    "cla_rate_per_10k": (
        "Children looked after on 31 March per 10,000 children aged 0 to 17 (rate_per_10000, "
        "population type 'Children looked after on 31 March each year').",
        "Children looked after on 31 March per 10,000 children aged 0 to 17.",
    ),
    "cla_count": (
        "Children looked after on 31 March (children_count).",
        "Children looked after on 31 March.",
    ),
    "sw_turnover_pct": (
        "FTE leavers in the year as a percentage of FTE social workers in post "
        "(turnover_rate_fte).",
        "Full-time equivalent (FTE) leavers in the year as a percentage of FTE social workers "
        "in post.",
    ),
    "sw_agency_pct": (
        "FTE agency workers as a percentage of agency workers and social workers in post "
        "(agency_rate_fte).",
        "Full-time equivalent (FTE) agency workers as a percentage of agency workers and social "
        "workers in post.",
    ),
    "sw_vacancy_pct": (
        "FTE vacancies as a percentage of vacancies and social workers in post (vacancy_rate_fte).",
        "Full-time equivalent (FTE) vacancies as a percentage of vacancies and social workers in "
        "post.",
    ),
    "sw_caseload": (
        "Cases held divided by FTE case-holding social workers (caseload_fte).",
        "Cases held divided by full-time equivalent (FTE) case-holding social workers.",
    ),
    "sw_absence_pct": (
        "Working days lost to sickness as a percentage of working days (absence_rate_fte).",
        "Working days lost to sickness as a percentage of working days.",
    ),
}


def _rewrite(apps, direction: int) -> None:
    Indicator = apps.get_model("datasets", "Indicator")
    for code, texts in DEFINITIONS.items():
        before, after = texts if direction > 0 else texts[::-1]
        Indicator.objects.filter(code=code, definition=before).update(definition=after)


def forwards(apps, schema_editor):
    _rewrite(apps, 1)


def backwards(apps, schema_editor):
    _rewrite(apps, -1)


class Migration(migrations.Migration):
    dependencies = [("datasets", "0004_import_run_heartbeat")]

    operations = [migrations.RunPython(forwards, backwards)]
