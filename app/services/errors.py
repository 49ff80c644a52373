"""Errors a use case raises; the CLI maps them to exit codes and the terminal shows their message in red."""

from __future__ import annotations


class ServiceError(Exception):
    """An operation could not be done; the message says why in words an operator understands."""

    exit_code = 1


class NotFound(ServiceError):
    """The thing named (SKU, location, user, order...) does not exist."""

    exit_code = 2


class InvalidInput(ServiceError):
    """The input itself is wrong (bad file rows, bad arguments)."""

    exit_code = 2


class Refused(ServiceError):
    """A business rule refused the action (illegal state change, someone else holds it...)."""

    exit_code = 1
