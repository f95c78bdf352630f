"""Routes of the insights app: api."""

urlpatterns: list = []
