"""``python -m custodes``: the same as the ``custodes`` command."""

from custodes.cli import console

console()
