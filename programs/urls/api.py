"""Routes of the programs app: api."""

urlpatterns: list = []
