"""The portal's starting catalogue of indicators, national and derived.

This is the starting catalogue; national staff edit indicators afterwards (the loader only
creates what is missing and never overwrites an edited indicator).
"""

from __future__ import annotations

CIN = "Children in need"
CP = "Child protection"
CLA = "Children looked after"
WORKFORCE = "Social work workforce"
CONTEXT = "Context"

CLA_31_MARCH = "Children looked after on 31 March each year"
CLA_STARTING = "Children starting to be looked after each year"
CLA_CEASING = "Children ceasing to be looked after each year"
LONG_TERM_GROUP = (
    "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"
)

# code, name, theme, unit, polarity, source, decimals, key, definition
INDICATORS: list[dict] = [
    # Children in need census
    dict(
        code="cin_at31_count",
        name="Children in need at 31 March",
        theme=CIN,
        unit="count",
        polarity="neither",
        source="cin",
        decimals=0,
        definition="Episodes of need open at 31 March (CIN census, table B1).",
    ),
    dict(
        code="cin_started_count",
        name="Children in need episodes starting in the year",
        theme=CIN,
        unit="count",
        polarity="neither",
        source="cin",
        decimals=0,
        definition="Episodes of need that started during the year (CIN census, table B1).",
    ),
    dict(
        code="cin_awaiting_assessment_count",
        name="Children awaiting assessment at 31 March",
        theme=CIN,
        unit="count",
        polarity="lower",
        source="cin",
        decimals=0,
        definition="Children awaiting the completion of an assessment on 31 March (table B1).",
    ),
    dict(
        code="referrals_count",
        name="Referrals",
        theme=CIN,
        unit="count",
        polarity="neither",
        source="cin",
        decimals=0,
        definition="Referrals to children's social care in the year (CIN census, table C1).",
    ),
    dict(
        code="rereferral_pct",
        name="Re-referrals within 12 months of a previous referral",
        theme=CIN,
        unit="percentage",
        polarity="lower",
        source="cin",
        decimals=1,
        is_key=True,
        definition="Referrals in the year that were within 12 months of a previous referral, "
        "as a percentage of all referrals (table C1).",
    ),
    dict(
        code="nfa_pct",
        name="Referrals resulting in no further action",
        theme=CIN,
        unit="percentage",
        polarity="neither",
        source="cin",
        decimals=1,
        definition="Referrals in the year that resulted in no further action, % (table C1).",
    ),
    dict(
        code="s47_count",
        name="Section 47 enquiries",
        theme=CP,
        unit="count",
        polarity="neither",
        source="cin",
        decimals=0,
        definition="Section 47 enquiries that started in the year (CIN census, table C4).",
    ),
    dict(
        code="icpc_count",
        name="Initial child protection conferences",
        theme=CP,
        unit="count",
        polarity="neither",
        source="cin",
        decimals=0,
        definition="Initial child protection conferences in the year (table C4).",
    ),
    dict(
        code="s47_to_icpc_median_days",
        name="Days from section 47 enquiry to initial conference (median)",
        theme=CP,
        unit="days",
        polarity="lower",
        source="cin",
        decimals=0,
        definition="Median working days from the start of a section 47 enquiry to the "
        "initial child protection conference (table C4).",
    ),
    dict(
        code="cpp_starts_count",
        name="Child protection plans starting",
        theme=CP,
        unit="count",
        polarity="neither",
        source="cin",
        decimals=0,
        definition="Child protection plans that started in the year (table D3).",
    ),
    dict(
        code="cpp_subsequent_pct",
        name="Child protection plans starting that were a second or subsequent plan",
        theme=CP,
        unit="percentage",
        polarity="lower",
        source="cin",
        decimals=1,
        is_key=True,
        definition="Plans starting in the year that were a second or subsequent plan for the "
        "child, as a percentage of all plans starting (table D3).",
    ),
    dict(
        code="cpp_at31_count",
        name="Child protection plans at 31 March",
        theme=CP,
        unit="count",
        polarity="neither",
        source="cin",
        decimals=0,
        definition="Children who were the subject of a child protection plan on 31 March "
        "(table D5).",
    ),
    dict(
        code="cpp_two_years_plus_pct",
        name="Child protection plans at 31 March lasting 2 years or more",
        theme=CP,
        unit="percentage",
        polarity="lower",
        source="cin",
        decimals=1,
        definition="Plans open on 31 March that had lasted 2 years or more, % (table D5).",
    ),
    # SSDA903
    dict(
        code="cla_rate_per_10k",
        name="Children looked after at 31 March, rate per 10,000",
        theme=CLA,
        unit="rate_10k",
        polarity="neither",
        source="ssda903",
        decimals=0,
        is_key=True,
        definition="Children looked after on 31 March per 10,000 children aged 0 to 17.",
    ),
    dict(
        code="cla_count",
        name="Children looked after at 31 March",
        theme=CLA,
        unit="count",
        polarity="neither",
        source="ssda903",
        decimals=0,
        definition="Children looked after on 31 March.",
    ),
    dict(
        code="cla_starting_rate_per_10k",
        name="Children starting to be looked after, rate per 10,000",
        theme=CLA,
        unit="rate_10k",
        polarity="neither",
        source="ssda903",
        decimals=0,
        is_key=True,
        definition="Children who started to be looked after in the year per 10,000 children "
        "aged 0 to 17 (population type 'Children starting to be looked after each year').",
    ),
    dict(
        code="cla_ceasing_rate_per_10k",
        name="Children ceasing to be looked after, rate per 10,000",
        theme=CLA,
        unit="rate_10k",
        polarity="neither",
        source="ssda903",
        decimals=0,
        definition="Children who ceased to be looked after in the year per 10,000 children "
        "aged 0 to 17.",
    ),
    dict(
        code="placement_long_term_stability_pct",
        name="Children looked after 2.5+ years living with the same carer for 2+ years",
        theme=CLA,
        unit="percentage",
        polarity="higher",
        source="ssda903",
        decimals=0,
        is_key=True,
        definition="Of children under 16 looked after continuously for at least 2.5 years on "
        "31 March, the percentage living with the same carer for at least 2 years.",
    ),
    dict(
        code="placement_three_plus_pct",
        name="Children looked after with 3 or more placements during the year",
        theme=CLA,
        unit="percentage",
        polarity="lower",
        source="ssda903",
        decimals=0,
        is_key=True,
        definition="Of children looked after on 31 March, the percentage with 3 or more "
        "placements during the year.",
    ),
    dict(
        code="cla_three_plus_social_workers_pct",
        name="Children looked after with 3 or more social workers during the year",
        theme=CLA,
        unit="percentage",
        polarity="lower",
        source="ssda903",
        decimals=0,
        definition="Of children looked after on 31 March, the percentage who had 3 or more "
        "social workers during the year.",
    ),
    # Children's social work workforce census
    dict(
        code="sw_fte",
        name="Children and family social workers (FTE)",
        theme=WORKFORCE,
        unit="number",
        polarity="neither",
        source="csww",
        decimals=1,
        definition="Full-time equivalent children and family social workers in post at 30 "
        "September.",
    ),
    dict(
        code="sw_turnover_pct",
        name="Social worker turnover rate (FTE)",
        theme=WORKFORCE,
        unit="percentage",
        polarity="lower",
        source="csww",
        decimals=1,
        is_key=True,
        definition="Full-time equivalent (FTE) leavers in the year as a percentage of FTE "
        "social workers in post.",
    ),
    dict(
        code="sw_agency_pct",
        name="Agency social worker rate (FTE)",
        theme=WORKFORCE,
        unit="percentage",
        polarity="lower",
        source="csww",
        decimals=1,
        is_key=True,
        definition="Full-time equivalent (FTE) agency workers as a percentage of agency "
        "workers and social workers in post.",
    ),
    dict(
        code="sw_vacancy_pct",
        name="Social worker vacancy rate (FTE)",
        theme=WORKFORCE,
        unit="percentage",
        polarity="lower",
        source="csww",
        decimals=1,
        is_key=True,
        definition="Full-time equivalent (FTE) vacancies as a percentage of vacancies and "
        "social workers in post.",
    ),
    dict(
        code="sw_caseload",
        name="Average caseload per case-holding social worker (FTE)",
        theme=WORKFORCE,
        unit="number",
        polarity="lower",
        source="csww",
        decimals=1,
        is_key=True,
        definition="Cases held divided by full-time equivalent (FTE) case-holding social workers.",
    ),
    dict(
        code="sw_absence_pct",
        name="Social worker sickness absence rate (FTE)",
        theme=WORKFORCE,
        unit="percentage",
        polarity="lower",
        source="csww",
        decimals=1,
        definition="Working days lost to sickness as a percentage of working days.",
    ),
    # ONS
    dict(
        code="population_0_17",
        name="Children aged 0 to 17 (mid-year estimate)",
        theme=CONTEXT,
        unit="count",
        polarity="neither",
        source="ons",
        decimals=0,
        definition="ONS mid-year population estimate of children aged 0 to 17.",
    ),
]

# Derived: numerator ÷ denominator × scale. DfE's rates for the year to 31 March Y use the ONS
# mid-year estimate for Y-1 (the CLA file's population_estimate for 2025 is the mid-2024
# figure), hence a denominator lag of one year.
DERIVED: list[dict] = [
    dict(
        code="cin_rate_per_10k",
        name="Children in need at 31 March, rate per 10,000",
        theme=CIN,
        unit="rate_10k",
        polarity="neither",
        decimals=1,
        is_key=True,
        numerator="cin_at31_count",
        denominator="population_0_17",
        scale=10000,
        lag=1,
        definition="Children in need at 31 March per 10,000 children aged 0 to 17 (CIN count "
        "÷ ONS mid-year population of the previous year × 10,000).",
    ),
    dict(
        code="referrals_rate_per_10k",
        name="Referrals, rate per 10,000",
        theme=CIN,
        unit="rate_10k",
        polarity="neither",
        decimals=1,
        is_key=True,
        numerator="referrals_count",
        denominator="population_0_17",
        scale=10000,
        lag=1,
        definition="Referrals in the year per 10,000 children aged 0 to 17 (referrals ÷ ONS "
        "mid-year population of the previous year × 10,000).",
    ),
    dict(
        code="s47_rate_per_10k",
        name="Section 47 enquiries, rate per 10,000",
        theme=CP,
        unit="rate_10k",
        polarity="neither",
        decimals=1,
        numerator="s47_count",
        denominator="population_0_17",
        scale=10000,
        lag=1,
        definition="Section 47 enquiries per 10,000 children aged 0 to 17.",
    ),
    dict(
        code="cpp_rate_per_10k",
        name="Child protection plans at 31 March, rate per 10,000",
        theme=CP,
        unit="rate_10k",
        polarity="neither",
        decimals=1,
        numerator="cpp_at31_count",
        denominator="population_0_17",
        scale=10000,
        lag=1,
        definition="Children on a child protection plan on 31 March per 10,000 children "
        "aged 0 to 17.",
    ),
]
