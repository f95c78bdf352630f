"""Routes of the insights app: reps."""

urlpatterns: list = []
