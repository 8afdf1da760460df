"""Exceptions shared by services and the API's error handler (model-free)."""


class Conflict(Exception):
    """The object changed since the user loaded it (e.g. two OPCO staff deciding at once): HTTP 409."""
