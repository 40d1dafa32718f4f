"""The data set's forms, by feature."""
