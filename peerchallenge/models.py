"""Models arrive with this capability's issue."""
