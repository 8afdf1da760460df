"""Exceptions shared by services and both doors (portal and API); model-free."""


class Conflict(Exception):
    """The object changed since the user loaded it (e.g. two OPCO staff deciding at once): HTTP 409."""


class Unavailable(Exception):
    """What was asked for does not exist (yet), e.g. a PDF still being generated: HTTP 404."""
