"""The insights app's API (Django REST framework)."""
