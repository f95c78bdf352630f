"""Routes of the programs app: contracts."""

urlpatterns: list = []
