"""store/models."""
