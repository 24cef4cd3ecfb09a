from django.apps import AppConfig


class PartsConfig(AppConfig):
    """Valve-spring kits at the dealers: the stock ledger, reservations and the wait-list,
    allocation of scarce supply, transfers. Depends on repairs (appointments, repair orders),
    never the other way: repairs announces its changes by signal (``repairs.signals``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "parts"

    def ready(self) -> None:
        from parts import receivers  # noqa: F401  (connects the repairs signals)
