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


class SignInRefused(Refused):
    """Who is acting could not be established, or may not do this: nothing was changed but the refusal event.

    Exit code 2 (bad input) on the command line, as the conventions fix for every identity refusal.
    """

    exit_code = 2


class NotAllowed(SignInRefused):
    """A service refused the acting user for one action (unknown, disabled, locked, or the role policy says no).

    Raised before the service writes anything; the message names the user and what they may not do.
    """
