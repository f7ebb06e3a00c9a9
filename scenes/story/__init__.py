"""The story, one module per section; a scene's ``construct`` lists its beats.

Story modules import :mod:`scenes.base`, :mod:`scenes.text`, :mod:`scenes.theme`
and :mod:`scenes.mobjects`, never another story module, so each section can be
read, rendered and changed on its own. The registry imports them on first use.

Story modules use absolute imports (``from scenes.mobjects...``), not relative ones,
because plain Manim (``manim render -ql scenes/story/superposition.py Superposition``)
loads a story module as a file, outside its package.
"""

__all__ = [
    "neuron_anatomy", "neuron_as_function", "superposition", "bump_construction",
    "universal_approximation", "backprop", "title_card",
]
