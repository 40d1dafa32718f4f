"""The import specifications of the shipped files: which filter values and which column of
each EES file make which indicator."""

from __future__ import annotations

from .indicators import CLA_31_MARCH, CLA_CEASING, CLA_STARTING, LONG_TERM_GROUP


def _m(indicator: str, column: str, **filters: str) -> dict:
    return {"indicator": indicator, "column": column, "filters": filters}


SPECS: list[dict] = [
    dict(
        name="cin-b1",
        file="b1_children_in_need_2013_to_2025.csv",
        source="cin",
        title="Children in need (table B1)",
        publication="DfE, Characteristics of children in need, 2013 to 2025",
        mappings=[
            _m("cin_at31_count", "At31_episodes"),
            _m("cin_started_count", "Started_episodes"),
            _m("cin_awaiting_assessment_count", "awaiting_assessment"),
        ],
    ),
    dict(
        name="cin-c1",
        file="c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        source="cin",
        title="Referrals and re-referrals (table C1)",
        publication="DfE, Characteristics of children in need, 2013 to 2025",
        mappings=[
            _m("referrals_count", "referral_count"),
            _m("rereferral_pct", "rereferral_percent"),
            _m("nfa_pct", "no_further_action_percent"),
        ],
    ),
    dict(
        name="cin-c4",
        file="c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv",
        source="cin",
        title="Section 47 enquiries and ICPCs (table C4)",
        publication="DfE, Characteristics of children in need, 2013 to 2025",
        mappings=[
            _m("s47_count", "Section47"),
            _m("icpc_count", "ICPC"),
            _m("s47_to_icpc_median_days", "Duration_median"),
        ],
    ),
    dict(
        name="cin-d3",
        file="d3_cpps_subsequent_plan_2013_to_2025.csv",
        source="cin",
        title="Second or subsequent child protection plans (table D3)",
        publication="DfE, Characteristics of children in need, 2013 to 2025",
        mappings=[
            _m("cpp_starts_count", "CPP_start"),
            _m("cpp_subsequent_pct", "CPP_subsequent_percent"),
        ],
    ),
    dict(
        name="cin-d5",
        file="d5_cpps_at31march_by_duration_2013_to_2025.csv",
        source="cin",
        title="Child protection plans at 31 March by duration (table D5)",
        publication="DfE, Characteristics of children in need, 2013 to 2025",
        mappings=[
            _m("cpp_at31_count", "CPP_At31"),
            _m("cpp_two_years_plus_pct", "2_years_or_more_percent"),
        ],
    ),
    dict(
        name="cla-rates",
        file="cla_number_and_rate_per_10k_children.csv",
        source="ssda903",
        title="Children looked after: numbers and rates per 10,000",
        publication="DfE, Children looked after in England including adoptions, 2021 to 2025",
        mappings=[
            _m("cla_rate_per_10k", "rate_per_10000", population_type=CLA_31_MARCH),
            _m("cla_count", "children_count", population_type=CLA_31_MARCH),
            _m("cla_starting_rate_per_10k", "rate_per_10000", population_type=CLA_STARTING),
            _m("cla_ceasing_rate_per_10k", "rate_per_10000", population_type=CLA_CEASING),
        ],
    ),
    dict(
        name="cla-placement-stability",
        file="la_cla_placement_stability.csv",
        source="ssda903",
        title="Placement stability of children looked after",
        publication="DfE, Stability measures for children looked after, 2021 to 2025",
        mappings=[
            _m(
                "placement_long_term_stability_pct",
                "children_percent",
                cla_group=LONG_TERM_GROUP,
                placement_stability="Living with the same carer for at least 2 years",
            ),
            _m(
                "placement_three_plus_pct",
                "children_percent",
                cla_group="CLA on 31 March",
                placement_stability="With 3 or more placements during the year",
            ),
        ],
    ),
    dict(
        name="cla-social-worker-changes",
        file="la_cla_swcount.csv",
        source="ssda903",
        title="Children looked after by number of social workers",
        publication="DfE, Stability measures for children looked after, 2024",
        mappings=[
            _m(
                "cla_three_plus_social_workers_pct",
                "percentage",
                cla_group="CLA on 31 March",
                sw_stability="3 or more social workers during the year",
            )
        ],
    ),
    dict(
        name="csww",
        file="csww_indicators_2017_to_2025.csv",
        source="csww",
        title="Children's social work workforce indicators",
        publication="DfE, Children's social work workforce, 2017 to 2025",
        mappings=[
            _m("sw_fte", "inpost_fte"),
            _m("sw_turnover_pct", "turnover_rate_fte"),
            _m("sw_agency_pct", "agency_rate_fte"),
            _m("sw_vacancy_pct", "vacancy_rate_fte"),
            _m("sw_caseload", "caseload_fte"),
            _m("sw_absence_pct", "absence_rate_fte"),
        ],
    ),
    dict(
        name="ons-population",
        file="ons_mid-year_population_estimates_2012_to_2024.csv",
        source="ons",
        title="ONS mid-year population estimates, children aged 0 to 17",
        publication="ONS mid-year population estimates, 2012 to 2024 (EES layout)",
        mappings=[
            _m("population_0_17", "population_estimate", age_group="Children aged 0 to 17 years")
        ],
    ),
]
