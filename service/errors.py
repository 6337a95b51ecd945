"""The ``AssayError`` hierarchy: every expected failure, with the HTTP status it maps to."""

from __future__ import annotations


class AssayError(Exception):
    """An expected failure with a message fit for the user."""

    status_code = 400
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(AssayError):
    """A workspace, document or requirement that does not exist."""

    status_code = 404
    code = "not_found"


class InvalidInputError(AssayError):
    """A request that is well formed but names something invalid."""

    status_code = 422
    code = "invalid_input"


class RejectedFileError(AssayError):
    """An uploaded file that cannot be ingested: corrupt, encrypted, empty, mislabelled."""

    status_code = 422
    code = "rejected_file"


class UnsupportedTypeError(RejectedFileError):
    """A file type Assay does not parse."""

    status_code = 415
    code = "unsupported_type"


class FileTooLargeError(RejectedFileError):
    """A file over the configured size limit, or one that unpacks to too much."""

    status_code = 413
    code = "file_too_large"


class ConflictError(AssayError):
    """The state does not allow the action, e.g. a mismatched index or a locked data dir."""

    status_code = 409
    code = "conflict"


class MissingExtraError(AssayError):
    """An optional back end whose package is not installed."""

    status_code = 500
    code = "missing_extra"


class CatalogFormatError(AssayError):
    """A framework catalog, scale, crosswalk or imported file that is malformed."""

    status_code = 422
    code = "invalid_catalog"


class AuthenticationError(AssayError):
    """A request without a valid API token."""

    status_code = 401
    code = "unauthenticated"


class ForbiddenError(AssayError):
    """A user whose role does not allow the action in this workspace."""

    status_code = 403
    code = "forbidden"


class ServiceBusyError(AssayError):
    """Every database connection stayed in use for the pool's timeout: the service is saturated.

    Clients get a 503 with ``Retry-After``; nothing was changed.
    """

    status_code = 503
    code = "busy"
    retry_after_seconds = 5

    def __init__(self, message: str = "The service is busy: every database connection is in "
                 "use. Nothing was changed; try again in a few seconds.") -> None:
        super().__init__(message)


class TooManyRequestsError(AssayError):
    """A user has too much work waiting (uploads being ingested); nothing was accepted."""

    status_code = 429
    code = "too_many_requests"


class ConfigurationError(AssayError):
    """A setting or a key file the service cannot start with; the message says how to fix it."""

    status_code = 500
    code = "misconfigured"
