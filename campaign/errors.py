"""The one domain error type. Services raise it; views and the API map it once to a message or a 400."""


class DomainError(Exception):
    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}
