"""The subcommands of ``custodes``, one module each.

Each module has ``add_parser(commands)`` (declares its arguments and sets
``handler``) and a handler ``run(arguments) -> int``. :data:`COMMANDS` lists
them in the order ``custodes --help`` shows.
"""

COMMANDS = ("check", "audit", "rules", "catalog")
