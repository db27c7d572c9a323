"""``annota demo``: a data directory with an admin and sample projects, then serve it."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path

import click

from annota.cli.context import data_dir_option, open_db, reports_errors, settings_from
from annota.cli.serve import run_server
from annota.errors import Conflict, NotFound
from annota.services import importing, projects, users
from annota.services.actor import Actor
from annota.services.runtime import Database

DEMO_DATA = Path(__file__).parent / "demo_data"
ADMIN = "demo"

SENTIMENT = """
fields:
  - {name: text, type: text}
controls:
  - {name: sentiment, type: choices, field: text, options: [positive, negative, neutral],
     required: true}
"""
ENTITIES = """
fields:
  - {name: text, type: text}
controls:
  - {name: entities, type: spans, field: text, labels: [PER, ORG, LOC, DATE]}
  - {name: relations, type: relations, labels: [works_at, located_in, born_in]}
"""
OBJECTS = """
fields:
  - {name: image, type: image}
controls:
  - name: objects
    type: bbox
    field: image
    labels: [building, flower, person, sky]
    rotation: true
    attributes:
      - {name: occluded, type: bool}
  - {name: scene, type: choices, options: [indoor, outdoor]}
"""
GUIDELINES = """# Demo guidelines

Label what the text or picture says, not what you think the author meant.
When unsure, skip the item and give a reason.
"""


def _sample_images(dest: Path) -> int:
    """Copy scikit-learn's two CC-BY photographs into ``dest``; returns how many."""
    import sklearn  # noqa: PLC0415  # heavy; only the demo needs its sample photographs

    source = Path(sklearn.__file__).parent / "datasets" / "images"
    count = 0
    for name in ("china.jpg", "flower.jpg"):
        if (source / name).is_file():
            shutil.copyfile(source / name, dest / name)
            count += 1
    return count


def _project(db: Database, actor: Actor, name: str, schema: str) -> int:
    try:
        return projects.create_project(
            db, actor, name=name, schema=schema, guidelines=GUIDELINES
        ).id
    except Conflict:
        return projects.resolve_project(db, actor, name).id


def build_demo(db: Database) -> str:
    """Create (or refresh) the demo admin and projects; returns the admin's new password."""
    actor = Actor.operator()
    password = secrets.token_urlsafe(12)
    try:
        user = users.get_user(db, ADMIN)
        users.change_password(db, actor, user_id=user.id, password=password)
    except NotFound:
        users.create_user(db, actor, username=ADMIN, password=password, is_admin=True)
    pid = _project(db, actor, "Demo: review sentiment", SENTIMENT)
    importing.import_file(db, actor, pid, DEMO_DATA / "reviews.jsonl")
    pid = _project(db, actor, "Demo: named entities", ENTITIES)
    importing.import_file(db, actor, pid, DEMO_DATA / "news.jsonl")
    pid = _project(db, actor, "Demo: objects in photos", OBJECTS)
    with tempfile.TemporaryDirectory() as tmp:
        if _sample_images(Path(tmp)):
            importing.import_folder(db, actor, pid, Path(tmp))
    return password


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Set up the demo data, then exit.")
@data_dir_option
@click.pass_context
@reports_errors
def demo_cmd(
    ctx: click.Context, host: str, port: int, no_serve: bool, data_dir: Path | None
) -> None:
    """Create a demo data directory with sample projects, print how to sign in, and serve."""
    settings = settings_from(ctx, data_dir)
    db = open_db(settings)
    password = build_demo(db)
    db.dispose()
    click.echo(f"Annota demo ready in {settings.data_dir}")
    click.echo(f"  URL:      http://{host}:{port}/")
    click.echo(f"  API:      http://{host}:{port}/api/v1/docs")
    click.echo(f"  username: {ADMIN}")
    click.echo(f"  password: {password}")
    if not no_serve:
        run_server(settings, host, port)


def register(cli: click.Group) -> None:
    cli.add_command(demo_cmd)
