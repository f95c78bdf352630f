"""Routes of the insights app: rep analytics (staff)."""

from django.urls import path

from insights.views import reps

urlpatterns = [
    path("insights/reps/", reps.rep_analytics_page, name="rep_analytics"),
]
