"""The funds pages, by feature: agreements and the national view, the budget, spend requests
and their actions, quarterly returns."""
