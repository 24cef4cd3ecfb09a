"""Shop capacity for recall work: weekly technician hours, closed dates, and hours booked per day."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from dealers.models import Dealer


class ShopHours(models.Model):
    """One weekday of a dealer's recall shop: when appointments may start, and the technician
    hours it has for recall work that day (e.g. 4 technicians x 8 h = 32 h)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="shop_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField(help_text="First appointment start, dealer's local time.")
    closes_at = models.TimeField(help_text="Last appointment start, dealer's local time.")
    technician_hours = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["dealer", "weekday"]
        verbose_name_plural = "shop hours"
        constraints = [
            models.UniqueConstraint(fields=["dealer", "weekday"], name="shop_hours_once_per_weekday"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="shop_hours_weekday"),
            models.CheckConstraint(condition=Q(technician_hours__gte=0), name="shop_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")), name="shop_hours_open_before_close"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dealer.code} {self.get_weekday_display()}: {self.technician_hours} h"


class ShopClosure(models.Model):
    """A date the dealer's shop takes no recall work (holiday, inventory day)."""

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="shop_closures")
    date = models.DateField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["dealer", "date"]
        constraints = [models.UniqueConstraint(fields=["dealer", "date"], name="shop_closure_once")]

    def __str__(self) -> str:
        return f"{self.dealer.code} closed {self.date:%Y-%m-%d}"


class ShopDay(models.Model):
    """Recall hours booked on one day at one dealer, against the capacity the day had.

    The row two bookings for the same day lock (``select_for_update``) and the database
    check that no day is overbooked: ``booked_hours <= capacity_hours``. Created on the first
    booking that touches the day, from the weekday's ``ShopHours``.
    """

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="shop_days")
    date = models.DateField()
    capacity_hours = models.DecimalField(max_digits=5, decimal_places=1)
    booked_hours = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("0"))

    class Meta:
        ordering = ["dealer", "date"]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "date"], name="shop_day_once"),
            models.CheckConstraint(
                condition=Q(booked_hours__gte=0, booked_hours__lte=F("capacity_hours")),
                name="shop_day_not_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.date:%Y-%m-%d}: {self.booked_hours}/{self.capacity_hours} h"

    @property
    def free_hours(self) -> Decimal:
        return self.capacity_hours - self.booked_hours
