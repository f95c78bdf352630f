"""Routes of the insights app: the staff overview, the goal breakdown and the KPI targets."""

from django.urls import path

from insights.views import staff

urlpatterns = [
    path("insights/", staff.overview_page, name="overview"),
    path("insights/goal/", staff.goal_page, name="goal_breakdown"),
    path("settings/insights/", staff.settings_page, name="settings"),
]
