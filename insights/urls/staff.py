"""Routes of the insights app: staff."""

urlpatterns: list = []
