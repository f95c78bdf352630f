"""Split by area: directory (partners and reps), imports, recruitment, engagement, portal."""
