"""The support app's forms, a package by feature (offers, requests, campaigns, mentoring)."""
