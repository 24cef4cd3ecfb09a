"""The one domain error type. Services raise it; it is mapped to HTTP once (``campaign.http_errors``).

``code`` says what kind of refusal it is, and so which HTTP status it becomes:
``invalid`` (400, the default), ``not_found`` (404: services never raise ``Http404``),
``conflict`` (409: the state moved under the caller, e.g. two clerks racing).
"""

from __future__ import annotations

STATUS_BY_CODE = {"invalid": 400, "not_found": 404, "conflict": 409, "forbidden": 403}


class DomainError(Exception):
    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str = "invalid",
        extra: dict | None = None,
    ):
        if code not in STATUS_BY_CODE:
            raise ValueError(f"Unknown DomainError code {code!r}; one of {sorted(STATUS_BY_CODE)}")
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.extra = extra or {}

    @property
    def http_status(self) -> int:
        return STATUS_BY_CODE[self.code]
