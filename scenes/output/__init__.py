"""From a scene to files: in-process rendering and jobs, writers (GIF, PNG, atomic), video joins.

Nothing here knows a particular scene; the CLI hands it jobs and publishes what it returns.
"""

__all__ = ["render", "writers", "video"]
