"""API errors are JSON with a readable `detail`, never an HTML page."""

import logging
import re

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


def json_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("You do not have permission to do this."))
    request = context.get("request")
    if request is not None:
        # Errors are JSON whatever the view negotiated: the schema view answers YAML by default,
        # and an error there must still carry a plain `detail` a client can read.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    response = exception_handler(exc, context)
    if response is not None:
        return response
    logger.exception("Unhandled API error", exc_info=exc)
    return Response(
        {"detail": _("Something went wrong on our side. The error has been logged.")},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


# CSRF exempt: it changes nothing and only says "not found"; without the exemption a write to
# a malformed id (POST /alpha/api/v1/partners/abc/) met the CSRF check first and got Django's
# HTML 403 page instead of this JSON 404.
@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Unknown paths under /<tenant>/api/ answer JSON too, not the HTML 404 page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


_API_PATH = re.compile(r"^/[^/]+/api/")


def csrf_failure(request, reason: str = "", template_name=None):
    """CSRF_FAILURE_VIEW: JSON under /<tenant>/api/ (a client reads `detail`), Django's page
    everywhere else."""
    if _API_PATH.match(request.path):
        return JsonResponse(
            {"detail": _("CSRF check failed: send the CSRF token with a session write.")},
            status=403,
        )
    if template_name is None:
        return django_csrf_failure(request, reason=reason)
    return django_csrf_failure(request, reason=reason, template_name=template_name)


api_not_found.tenant_audience = "api"
