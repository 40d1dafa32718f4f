"""The data set's pages, by feature (datasets/urls.py routes them)."""
