"""The one error tree every layer below ``api`` raises.

Code below the HTTP layer never speaks in status codes: it raises one of these classes, each
with a stable machine-readable ``code``, a human ``message`` and a ``location`` that says
*where* the problem is (a JSON path such as ``regions[2].value.end``, or ``file.jsonl:17:text``
for an import). ``api/errors.py`` maps each class once to a status and the body
``{code, message, location}``; the CLI maps them to a message on stderr and a non-zero exit.
"""

from __future__ import annotations

from collections.abc import Sequence


class AnnotaError(Exception):
    """Base class: an expected failure with a message fit to show a user."""

    code = "error"

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "location": self.location}


class InvalidInput(AnnotaError):
    """The request or file is malformed or breaks a rule (the schema, a limit, a format)."""

    code = "invalid_input"

    def __init__(
        self,
        message: str,
        *,
        location: str | None = None,
        errors: Sequence[AnnotaError] = (),
    ) -> None:
        super().__init__(message, location=location)
        #: every individual problem found, when more than one was collected
        self.errors: list[AnnotaError] = list(errors)


class ValidationFailed(InvalidInput):
    """An annotation or schema breaks the label schema; ``location`` names region and rule."""

    code = "validation_failed"


class NotFound(AnnotaError):
    """The object does not exist, or the caller may not know that it exists."""

    code = "not_found"


class Conflict(AnnotaError):
    """The write lost a race: a stale version, or a unique name already taken."""

    code = "conflict"


class PermissionDenied(AnnotaError):
    """The caller is known and may see the object, but may not do this to it."""

    code = "permission_denied"


class AuthenticationRequired(AnnotaError):
    """No valid session or token came with the request."""

    code = "authentication_required"


class TooLarge(AnnotaError):
    """A body, file or image is over a configured limit."""

    code = "too_large"


class RateLimited(AnnotaError):
    """Too many attempts; ``retry_after`` says in how many seconds to try again."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, location: str | None = None) -> None:
        super().__init__(message, location=location)
        self.retry_after = retry_after
