"""Manim scenes that explain, with netcore's numbers, how neurons network to learn."""
