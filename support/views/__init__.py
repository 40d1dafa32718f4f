"""The support app's views, a package by feature (offers, requests, campaigns, mentoring)."""
