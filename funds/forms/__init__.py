"""The funds pages' forms, by feature: agreements, spend requests, quarterly returns."""
