"""Tasks: notices."""
