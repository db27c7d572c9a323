"""Jinja2 rendering with autoescape, and markdown rendered to sanitised HTML.

Every template is autoescaped; the only ``Markup`` we make ourselves is markdown that went
through markdown-it with raw HTML disabled *and* then through nh3's allow-list, and JSON
escaped so that it cannot close the ``<script type="application/json">`` element it sits in.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import nh3
import orjson
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup

WEB_ROOT = Path(str(resources.files("annota.web")))
TEMPLATES = WEB_ROOT / "templates"
STATIC = WEB_ROOT / "static"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)
_ALLOWED_TAGS = {
    "a", "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
_ALLOWED_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}


def render_markdown(text: str) -> Markup:
    """Markdown to HTML fit to insert into a page: no raw HTML, no script URLs."""
    html = _md.render(text)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # sanitised by nh3 just above


def script_json(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` element: ``<``, ``>``, ``&`` escaped."""
    text = orjson.dumps(value).decode()
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


env.filters["markdown"] = render_markdown


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render ``template``; ``user`` and ``csrf_token`` default from the signed-in user."""
    ctx: dict[str, Any] = {"request": request, "user": None, "csrf_token": ""}
    page_user = getattr(request.state, "page_user", None)
    if page_user is not None:
        ctx["user"] = page_user
        ctx["csrf_token"] = page_user.csrf_token
    ctx.update(context or {})
    html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
