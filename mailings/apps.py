from django.apps import AppConfig


class MailingsConfig(AppConfig):
    """Owner letters by first-class mail (49 CFR 577): mailings, their letters, the print
    vendor's package, returned mail. Depends on campaign and dealers only; nothing imports it
    (the vehicle record shows a VIN's letters through ``{% mailing_vehicle_section %}``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mailings"
    verbose_name = "Owner mailings"
