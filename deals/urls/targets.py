"""Routes of the targets area (staff pages, portal pages and the API)."""

urlpatterns: list = []
