"""store/queries."""
