"""Routes of the programs app: tiers."""

urlpatterns: list = []
