"""Errors the domain speaks in; each interface maps them to its own vocabulary (HTTP status, UI message)."""


class HearthError(Exception):
    """Base of every error a user can be shown. The message is safe to show."""

    status = 400


class InvalidInput(HearthError):
    status = 400


class Unauthenticated(HearthError):
    status = 401


class Forbidden(HearthError):
    """The actor can see the thing but may not do this to it."""

    status = 403


class NotFound(HearthError):
    """Missing, or not visible to the actor: the two are deliberately indistinguishable."""

    status = 404


class Conflict(HearthError):
    status = 409


class PayloadTooLarge(HearthError):
    status = 413


class UnsupportedMediaType(HearthError):
    status = 415


class RateLimited(HearthError):
    status = 429
