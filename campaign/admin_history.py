"""History rows in the admin: readable, never added, changed or deleted here, by anyone.

A history row (a phase change, an owner-data view, an inventory event, and every such
table added later) is written by the service that made the change and is the record of
it: its foreign keys are ``on_delete=PROTECT`` and these admin classes refuse add,
change and delete even to superusers. With delete refused, Django drops the bulk
"Delete selected" action too.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class HistoryAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class HistoryAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """The ModelAdmin of a history table."""


class HistoryInline(HistoryAdminMixin, admin.TabularInline):
    """A history table shown under the object it is the history of."""

    extra = 0
    can_delete = False
    show_change_link = False
