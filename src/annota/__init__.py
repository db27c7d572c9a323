"""Annota: turn raw data into training data a model can trust.

``annota.Client`` is the SDK; the pure libraries live in ``annota.schema``,
``annota.quality``, ``annota.automation`` and ``annota.formats``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from annota.sdk import Client


def __getattr__(name: str) -> Any:
    # Lazy, so that ``import annota.quality`` does not pull in httpx and the wire models.
    if name == "Client":
        from annota.sdk import Client  # noqa: PLC0415  # lazy on purpose, see above

        return Client
    raise AttributeError(name)


__all__ = ["Client", "__version__"]
