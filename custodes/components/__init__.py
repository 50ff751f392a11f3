"""Pulumi components that declare confidential workloads with the keys in the customer's hands.

The components live in one module per cloud (:mod:`custodes.components.aws`,
:mod:`custodes.components.azure`, :mod:`custodes.components.gcp`) and are
published as :mod:`custodes.aws`, :mod:`custodes.azure` and :mod:`custodes.gcp`.
Each checks its arguments before it declares any resource: an argument that
would leave a key provider-managed, pick a size that is not confidential, or
break attestation binding is refused with a :class:`ConfigurationError` naming
it, unless the caller passes the named opt-out (``allow_software_key=True`` …),
which ``custodes check`` still reports.

This package imports no Pulumi provider SDK, so importing
:class:`ConfigurationError` costs nothing.
"""

from __future__ import annotations

from custodes.errors import CustodesError


class ConfigurationError(CustodesError, ValueError):
    """A component argument custodes refuses, named so the user can fix it.

    ``argument`` is the argument's name as the component takes it
    (``instance_type``); ``opt_out`` is the flag that accepts the risk anyway,
    or ``None`` when there is none.
    """

    def __init__(self, argument: str, problem: str, opt_out: str | None = None) -> None:
        self.argument = argument
        self.problem = problem
        self.opt_out = opt_out
        message = f"{argument}: {problem}"
        if opt_out is not None:
            message += (f" (to accept this anyway pass {opt_out}=True; custodes check "
                        "still reports it)")
        super().__init__(message)


def whole_number(argument: str, value: object, minimum: int = 1) -> int:
    """``value`` as an int of at least ``minimum``, or a :class:`ConfigurationError`.

    Pulumi's wire format carries every number as a float, so a size that reaches a
    component through the plugin arrives as ``20.0``: an integral float counts.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigurationError(argument, f"{value!r} is not a whole number of at least "
                                 f"{minimum}")
    return value


__all__ = ["ConfigurationError", "whole_number"]
