"""Early support's reads, by feature: the dashboards (dashboards), flags (flags), the facts the
rules read (facts) and the rules (rules). Lists take the user and return only what they may
see (earlysupport.permissions)."""
