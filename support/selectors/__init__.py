"""The support app's reads, a package by feature; lists take the user."""
