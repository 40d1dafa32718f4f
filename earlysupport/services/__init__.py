"""Early support's writes, by feature: flags and their triage (triage), the nightly evaluation
of the rules (evaluation), the facts the rules read (facts) and their CSV imports
(fact_imports), and editing a rule (rules). Each change is audited (earlysupport.audit_actions).
"""
