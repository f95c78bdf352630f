"""Routes of the programs app: portal."""

urlpatterns: list = []
