"""Reusable pieces of netreel's scenes, each fed by netcore's numbers and updated in place.

Every mobject takes a :class:`~scenes.theme.Theme` for its colours, passes other
keyword arguments on to Manim's ``VGroup`` and shows new data with one verb,
``set_data``; :func:`play_frames` replays precomputed frames through it in one
``play``. Mobjects never import a story scene, the output writers or the CLI.
"""

from .function_plot import FunctionPlot, merge_dashes, nice_range, nice_step
from .legend import curve_legend
from .loss_curve import LossCurve
from .network_diagram import NetworkDiagram, edge_width
from .neuron_diagram import NeuronDiagram
from .readouts import Readout
from .replay import play_frames, sweep

__all__ = [
    "FunctionPlot", "LossCurve", "NetworkDiagram", "NeuronDiagram", "Readout",
    "curve_legend", "edge_width", "merge_dashes", "nice_range", "nice_step", "play_frames", "sweep",
]
