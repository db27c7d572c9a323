"""Project roles and what each may do; the single place permission rules live."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    MANAGER = "manager"


class Need(StrEnum):
    """What a use case needs from the caller's role in the project."""

    READ = "read"  # see the project and its schema/guidelines
    ANNOTATE = "annotate"  # get items, write own annotations
    READ_ALL = "read_all"  # browse every item and every annotation
    MANAGE = "manage"  # settings, schema, members, import, export


RANK = {Role.ANNOTATOR: 1, Role.REVIEWER: 2, Role.MANAGER: 3}
REQUIRED_RANK = {Need.READ: 1, Need.ANNOTATE: 1, Need.READ_ALL: 2, Need.MANAGE: 3}


def allows(role: Role, need: Need) -> bool:
    return RANK[role] >= REQUIRED_RANK[need]
