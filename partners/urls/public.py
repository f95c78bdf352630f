from django.urls import path

from partners.views import public

urlpatterns = [
    path("apply/", public.partner_apply, name="partner_apply"),
    path("apply/thanks/", public.partner_apply_thanks, name="partner_apply_thanks"),
]
