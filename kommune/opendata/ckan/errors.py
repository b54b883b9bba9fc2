"""CKAN's action errors: each becomes ``{"success": false, "error": {"__type": ..., "message": ...}}``."""


class ActionError(Exception):
    error_type = "Bad Request"
    status = 400

    def __init__(self, message: str, errors: dict[str, list[str] | int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}

    def as_dict(self) -> dict:
        return {"__type": self.error_type, "message": self.message, **self.errors}


class BadRequest(ActionError):
    pass


class NotFound(ActionError):
    error_type = "Not Found Error"
    status = 404


class ValidationError(ActionError):
    """Bad parameters; ``errors`` maps each parameter to its messages, as CKAN does."""

    error_type = "Validation Error"
    status = 409

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", {field: [message]})


class AuthorizationError(ActionError):
    error_type = "Authorization Error"
    status = 403


class MethodNotAllowed(ActionError):
    status = 405


class RequestTooLarge(ActionError):
    status = 413


class RateLimited(ActionError):
    error_type = "Rate Limit Exceeded"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, {"retry_after": retry_after})


class ServerError(ActionError):
    error_type = "Internal Server Error"
    status = 500
