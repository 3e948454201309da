"""The transport layer's exception tree.

::

    ClientGone    the git or hg client went away before the answer was complete: whatever
                  serves it (git's pump, hgweb's thread behind the WSGI bridge) stops there
    CommandRefused(ValueError)   an SSH command line vcshub does not run (ssh_commands)

A refused admission is not an exception but a value, :class:`transport.admission.Refusal`
(a reason each transport words its own way); ``transport/admission.py`` is the one place that
turns the authentication and VCS-access errors of the layers below into it.
"""

from __future__ import annotations


class ClientGone(Exception):
    """The client left; raised where the next read or write would need it."""


class CommandRefused(ValueError):
    """Not a command vcshub runs; the message is for the client's user."""
