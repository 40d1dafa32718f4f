"""Regions' pages, by feature: each role's home, councils and regions, regional governance."""
