"""Routes of the pipeline area (staff pages, portal pages and the API)."""

urlpatterns: list = []
