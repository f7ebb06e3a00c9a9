"""The ``netreel`` command line: commands, scene flags, output settings, specs and stories."""

from .commands import main

__all__ = ["main"]
