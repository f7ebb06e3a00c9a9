"""Section 5, backpropagation: the scene, the numbers it shows, its diagram and its formula panel."""

__all__ = ["scene", "numbers", "diagram", "panel"]
