"""netcore: the small numpy neural network behind netreel's animations.

Pure numpy (never imports manim or click).  One idea per module:
activations, losses, network (forward + backprop), optim, train (+ record schedule),
recorder (fills the Trace while training runs), trace (the recorded data, saved as
.npz), construct (hand-built networks), datasets (points in the plane), classify (learning
them), plane (a network over a grid), regions (hand-built 2-D networks), targets (safe
expression parsing), gradcheck (finite-difference check) and fit_quality (how well a fit
traces its target).
"""
from .activations import ACTIVATIONS, Activation, get_activation, linear, relu, sigmoid, step, tanh
from .classify import DATASET_LAYERS, DEFAULT_LAYERS_2D, DEFAULT_LR_2D, DEFAULT_STEPS_2D, fit_points
from .construct import BUMP_SHARPNESS, approximation_error, bumps, step_neuron, step_position, superposition
from .datasets import (
    DATASETS, DEFAULT_NOISE, DEFAULT_POINTS, MAX_COORDINATE, MAX_CSV_BYTES, MAX_NOISE, MAX_POINTS, MIN_POINTS,
    PointsError, blobs, circle, load_points, moons, spiral, xor,
)
from .fit_quality import GOOD_FIT, explained_variance
from .gradcheck import GRADCHECK_FLOOR, gradcheck
from .losses import LOSSES, Loss, binary_cross_entropy, get_loss, mse
from .network import Forward, Gradients, Network
from .optim import OPTIMIZERS, SGD, Adam, Momentum, Optimizer, check_lr, get_optimizer
from .plane import PLANE_GRID, PlaneForward, PlaneValues, plane_extent, plane_forward, plane_grid, plane_values
from .recorder import Recorder, accuracy
from .regions import REGION_SHARPNESS, TOWER_OVERLAP, TOWER_STEEPNESS, TOWER_THRESHOLD, coverage_error, disc, stripe, tower, towers
from .targets import FUNCTIONS, MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, PRESETS, TargetError, parse_target
from .trace import TRACE_FORMAT, TRACE_VERSION, Trace
from .train import (
    DEFAULT_FRAMES, DEFAULT_LR, DEFAULT_NEURONS, DEFAULT_SAMPLES, DEFAULT_STEPS, DEFAULT_TARGET,
    GRID_POINTS, TrainingDiverged, fit_function, record_schedule, train,
)

__all__ = [
    # activations
    "Activation", "ACTIVATIONS", "get_activation", "step", "sigmoid", "tanh", "relu", "linear",
    # losses
    "Loss", "LOSSES", "get_loss", "mse", "binary_cross_entropy",
    # network
    "Network", "Forward", "Gradients",
    # optim
    "Optimizer", "OPTIMIZERS", "get_optimizer", "check_lr", "SGD", "Momentum", "Adam",
    # plane
    "PlaneValues", "PlaneForward", "plane_values", "plane_forward", "plane_extent", "plane_grid", "PLANE_GRID",
    # recorder
    "Recorder", "accuracy",
    # regions
    "stripe", "tower", "towers", "disc", "coverage_error", "REGION_SHARPNESS", "TOWER_THRESHOLD", "TOWER_STEEPNESS",
    "TOWER_OVERLAP",
    # targets
    "TargetError", "parse_target", "PRESETS", "FUNCTIONS", "MAX_LENGTH", "MAX_EXPONENT", "MAX_DEPTH",
    # trace
    "Trace", "TRACE_FORMAT", "TRACE_VERSION",
    # train
    "TrainingDiverged", "record_schedule", "train", "fit_function", "DEFAULT_STEPS", "DEFAULT_LR",
    "DEFAULT_FRAMES", "DEFAULT_SAMPLES", "DEFAULT_NEURONS", "DEFAULT_TARGET", "GRID_POINTS",
    # classify
    "fit_points", "DEFAULT_LAYERS_2D", "DEFAULT_STEPS_2D", "DEFAULT_LR_2D", "DATASET_LAYERS",
    # construct
    "approximation_error", "step_position", "step_neuron", "superposition", "bumps", "BUMP_SHARPNESS",
    # datasets
    "PointsError", "xor", "circle", "moons", "spiral", "blobs", "DATASETS", "load_points", "DEFAULT_POINTS",
    "DEFAULT_NOISE", "MIN_POINTS", "MAX_POINTS", "MAX_NOISE", "MAX_CSV_BYTES", "MAX_COORDINATE",
    # gradcheck
    "gradcheck", "GRADCHECK_FLOOR",
    # fit quality
    "explained_variance", "GOOD_FIT",
]
