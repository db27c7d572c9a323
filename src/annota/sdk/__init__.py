"""The Python SDK: talks to an Annota server over HTTP, shares only the wire models."""

from annota.sdk.client import Client

__all__ = ["Client"]
