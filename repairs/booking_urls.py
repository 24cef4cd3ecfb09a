"""URL patterns (filled in by the issue #7 work)."""

urlpatterns: list = []
