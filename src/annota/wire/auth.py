"""Users, sign-in and API tokens on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=300)
    password: str = Field(max_length=1000)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    email: str | None = None
    is_admin: bool
    is_active: bool
    created_at: datetime


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=150)
    password: str = Field(min_length=8, max_length=1000)
    email: str | None = Field(default=None, max_length=320)
    is_admin: bool = False


class MeOut(BaseModel):
    user: UserOut
    csrf_token: str | None = Field(
        default=None, description="Send as `X-CSRF-Token` on state-changing cookie requests."
    )


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=8, max_length=1000)


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200)


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = None
    token: str | None = Field(default=None, description="The secret; shown only once.")
