"""The programs app's REST API, split by area like programs/views (commission: rule sets,
versions and the calculator)."""
