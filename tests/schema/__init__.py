"""Tests of ``annota.schema``, the pure label-schema library."""
