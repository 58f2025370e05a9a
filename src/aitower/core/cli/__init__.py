"""The CLI kit (context, errors, database) and the core's own commands (``version``, ``db``)."""
