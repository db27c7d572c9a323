"""Who is acting: a signed-in person, or the local operator running the CLI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller of a service. ``user_id`` is None only for the local operator (CLI)."""

    user_id: int | None
    username: str
    is_admin: bool = False

    @classmethod
    def operator(cls) -> Actor:
        """The person at the terminal with access to the data directory: a global admin."""
        return cls(user_id=None, username="operator (cli)", is_admin=True)
