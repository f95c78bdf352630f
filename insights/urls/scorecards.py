"""Routes of the insights app: scorecards."""

urlpatterns: list = []
