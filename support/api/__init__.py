"""The support app's api, a package by feature (offers, requests, campaigns, mentoring)."""
