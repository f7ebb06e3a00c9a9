"""The ``netreel`` command line: commands, scene flags, output settings, specs and stories."""

from . import signals

# Importing the commands imports Manim (most of a second): a signal meanwhile ends
# the process with one line instead of a traceback from deep inside an import.
_import_handlers = signals.exit_during_import()
try:
    from .commands import main
finally:
    signals.restore(_import_handlers)

__all__ = ["main"]
