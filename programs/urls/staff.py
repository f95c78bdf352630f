"""Routes of the programs app: staff."""

urlpatterns: list = []
