"""Annota: turn raw data into training data a model can trust."""

__version__ = "0.1.0"
