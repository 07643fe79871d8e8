"""The refusals a service raises besides ValidationError, and how each reaches a user: the API turns
them into status codes in one place (`songjiang_liaison.api.exception_handler`), the pages show them.

- django's `ValidationError`: the data is wrong (400, errors by field);
- `NotAllowed`: this user may not do this (403);
- `Conflict`: the thing is not, or no longer, in a state where this applies, e.g. someone else acted
  first (409). `extra` goes into the response body next to `detail` (e.g. the state now).
"""

from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, message="", **extra):
        super().__init__(message)
        self.message = message
        self.extra = extra


class NotAllowed(ServiceError):
    """The actor may not take this action (HTTP 403)."""


class Conflict(ServiceError):
    """The object is not (or no longer) in a state where the action applies (HTTP 409)."""
