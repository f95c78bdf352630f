"""Routes of the registrations area (staff pages, portal pages and the API)."""

urlpatterns: list = []
