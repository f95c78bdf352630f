"""Routes of the programs app: commission."""

urlpatterns: list = []
