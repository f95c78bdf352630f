"""Tasks: tiers."""
