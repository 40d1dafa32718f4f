"""The support app's writes, a package by feature (offers, requests, campaigns, mentoring)."""
