from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The campaign's control room: completion dashboards and forecasts, population removals,
    and the §573.7 quarterly remedy report. Reads every other app; none of them reads it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from reports import receivers  # noqa: F401  (follows outcomes and posted lists)
