from django.apps import AppConfig


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = "Repairs"

    def ready(self) -> None:
        # The vehicle record (dealers) shows the VIN's repair history without importing repairs.
        from dealers import vehicle_record
        from repairs.ro_selectors import vehicle_repair_history

        vehicle_record.repair_history_source = vehicle_repair_history
