"""Project-wide views: health check and error pages."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

from .middleware import is_api_request


def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database and Redis answer (used by docker-compose and load balancers)."""
    from django.core.cache import cache

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        # Read back: the cache carries on silently without Redis (cib_portal/cache.py).
        cache.set("healthz", "ok", 5)
        if cache.get("healthz") != "ok":
            raise ConnectionError("the cache did not keep a value")
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and tools that ask for /favicon.ico get the portal's icon, not a 404."""
    return HttpResponsePermanentRedirect(static("images/favicon.svg"))


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """The GOV.UK page, or the API's `{"detail": ...}`."""
    if is_api_request(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return render(request, "errors/400.html", status=400)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """The GOV.UK page, or for the API (an address under it that names nothing: a `.json`
    suffix, say) the API's own `{"detail": ...}`."""
    if is_api_request(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    # The reason a permission rule gave (cib_portal.access.Decision), when it gave one.
    reason = str(exception) if exception is not None and exception.args else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
