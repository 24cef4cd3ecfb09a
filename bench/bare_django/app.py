"""The benchmark's yardstick: the barest Django there is, one view returning constant JSON.

bench/api_bench.py serves it with the same gunicorn settings and loads it with the same
wrk script as the real VIN API, so the ratio between the two measures what our view,
middleware, query and throttle cost, not the machine. Same URL shape as the real API.
"""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-django-benchmark-yardstick",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
)

import django  # noqa: E402

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402

CONSTANT = {"vin": "JTHBE96S170007930", "model_year": 2007, "model": "GS 350", "recalls": []}


def vin_view(request, vin):
    return JsonResponse(CONSTANT)


urlpatterns = [path("api/v1/vins/<str:vin>/", vin_view)]

application = get_wsgi_application()
