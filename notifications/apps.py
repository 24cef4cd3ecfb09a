from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """E-mail and text messages to owners (confirmations, reminders, parts arrived, thanks,
    reimbursement decisions) and the dealer staff's daily digest. Depends on campaign, dealers,
    repairs and parts; none of them imports it: it listens to their signals (``receivers``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Owner messages and dealer digests"

    def ready(self) -> None:
        from notifications import receivers  # noqa: F401  (connects the repairs and parts signals)
