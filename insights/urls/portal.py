"""Routes of the insights app: portal."""

urlpatterns: list = []
