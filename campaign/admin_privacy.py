"""The Django admin never shows, searches, filters, sorts or edits a vehicle owner's data.

Owner names and contact details are seen only on the product's own pages, which log
every view (``dealers.OwnerDataAccess``); campaign administrators have no need for them
in the admin, where nothing would log the view. Two guards, both keyed on
``campaign.models.OWNER_FIELDS``:

- ``OwnerFieldsExcluded``: a ModelAdmin mixin for ``Vehicle`` that neither reads owner
  columns for its pages nor puts them in its forms, whatever ``fields`` says;
- ``owner_data_reached(admin)``: every list_display / search_fields / list_filter /
  ordering / fields / fieldsets / readonly_fields entry of an admin that reaches an owner
  field, directly (``owner_name``) or through relations (``vehicle__owner_name``). The
  system check ``admin_shows_no_owner_data`` runs it over every registered admin and its
  inlines, so ``manage.py check`` (and the test suite) refuse such an admin.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.contrib import admin
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model

from campaign.models import OWNER_FIELDS, Vehicle

# Admin options whose entries name fields (or lookups through relations).
FIELD_OPTIONS = (
    "list_display",
    "list_display_links",
    "list_editable",
    "list_filter",
    "search_fields",
    "ordering",
    "sortable_by",
    "date_hierarchy",
    "fields",
    "readonly_fields",
    "autocomplete_fields",
    "raw_id_fields",
    "radio_fields",
    "prepopulated_fields",
)


def lookup_reaches_owner_data(model: type[Model], lookup: str) -> bool:
    """Whether ``lookup`` ('owner_name', '^vehicle__email', '-vehicle__city') ends on an owner field."""
    current: type[Model] | None = model
    for part in lookup.lstrip("^=@-").split("__"):
        if current is None:
            return False
        if current is Vehicle and part in OWNER_FIELDS:
            return True
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            # An admin method, a property or a transform ("__iexact"): nothing more to follow.
            return False
        current = field.related_model if field.is_relation else None
    return False


def _entries(value) -> Iterator[str]:
    """The field names inside an admin option: strings, (field, ListFilter) pairs, dicts."""
    if value is None:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):  # radio_fields, prepopulated_fields
        for key, sources in value.items():
            yield key
            if isinstance(sources, list | tuple):
                yield from (s for s in sources if isinstance(s, str))
    else:
        for item in value:
            if isinstance(item, str):
                yield item
            elif isinstance(item, list | tuple):  # ("field", FilterClass) or a fields row
                yield from (part for part in item if isinstance(part, str))


def _fieldset_fields(fieldsets) -> Iterator[str]:
    for _name, options in fieldsets or ():
        yield from _entries(options.get("fields", ()))


def owner_data_reached(model_admin) -> list[str]:
    """'option: entry' for every entry of this admin that reaches an owner field."""
    model = model_admin.model
    found = []
    for option in FIELD_OPTIONS:
        for entry in _entries(getattr(model_admin, option, None)):
            if lookup_reaches_owner_data(model, entry):
                found.append(f"{option}: {entry}")
    for entry in _fieldset_fields(getattr(model_admin, "fieldsets", None)):
        if lookup_reaches_owner_data(model, entry):
            found.append(f"fieldsets: {entry}")
    return found


def registered_admins(site: admin.AdminSite = admin.site) -> Iterable[tuple[str, object]]:
    """(label, admin) for every registered ModelAdmin and every inline class of it."""
    for model, model_admin in site._registry.items():
        label = f"{model._meta.label} ({type(model_admin).__name__})"
        yield label, model_admin
        for inline_class in model_admin.inlines:
            yield f"{label} inline {inline_class.__name__}", inline_class(model, site)


@checks.register(checks.Tags.admin)
def admin_shows_no_owner_data(app_configs=None, **kwargs) -> list[checks.Error]:
    return [
        checks.Error(
            f"The admin of {label} reaches vehicle owner data ({', '.join(found)}).",
            hint="Owner data is shown only on the product's logged pages; drop these entries.",
            obj=model_admin,
            id="campaign.E001",
        )
        for label, model_admin in registered_admins()
        if (found := owner_data_reached(model_admin))
    ]


class OwnerFieldsExcluded:
    """Mixin for the admin of ``Vehicle``: owner fields are never read from the database for
    its pages (deferred) and never in its forms (excluded), whatever ``fields`` says."""

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*OWNER_FIELDS)

    def get_exclude(self, request, obj=None):
        return (*(super().get_exclude(request, obj) or ()), *OWNER_FIELDS)
