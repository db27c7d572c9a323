"""An example Annota model backend: the JSON protocol of docs/model-backend.md, stdlib only.

    python examples/model_backend/server.py --port 9090 [--token SECRET] [--host 127.0.0.1]

Before ``/fit`` it is a keyword model: for each choices control of the schema it sends, it
predicts the first option whose name occurs in the item's text (score 0.6). After ``/fit``
it is Annota's built-in TF-IDF + logistic-regression :class:`~annota.automation.TextClassifier`
trained on the annotations it was sent. Replace ``KeywordModel``/``fit`` with a detector or
an LLM call to plug in your own model; keep the JSON shapes.

Register it with Annota (a backend on the same machine needs
``ANNOTA_ALLOW_PRIVATE_MODEL_URLS=true`` on the Annota server)::

    POST /api/v1/projects/{id}/backends {"name": "example", "url": "http://127.0.0.1:9090",
                                         "token": "SECRET"}
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from annota.automation import TextClassifier

MAX_BODY = 64 * 1024 * 1024
log = logging.getLogger("model_backend")


class Model:
    """Keyword rules until fitted, then a TF-IDF classifier per choices control."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.classifiers: dict[str, tuple[str, TextClassifier]] = {}  # control -> (field, clf)
        self.version = "keywords-1"

    def predict(self, items: list[dict[str, Any]], schema: dict[str, Any]) -> list[dict[str, Any]]:
        controls = [c for c in schema.get("controls", []) if c.get("type") == "choices"]
        with self.lock:
            classifiers, version = dict(self.classifiers), self.version
        out = []
        for item in items:
            regions = []
            for control in controls:
                region = self._one(item, control, classifiers)
                if region is not None:
                    regions.append(region)
            score = min((r["score"] for r in regions), default=None)
            out.append(
                {
                    "item_id": item["id"],
                    "model_version": version,
                    "regions": regions,
                    "score": score,
                }
            )
        return out

    @staticmethod
    def _one(
        item: dict[str, Any],
        control: dict[str, Any],
        classifiers: dict[str, tuple[str, TextClassifier]],
    ) -> dict[str, Any] | None:
        name = control["name"]
        field = control.get("field") or "text"
        text = item.get("data", {}).get(field)
        if not isinstance(text, str):
            return None
        if name in classifiers:
            clf_field, clf = classifiers[name]
            proba = clf.predict_proba([item["data"].get(clf_field, "")])[0]
            k = int(proba.argmax())
            label, score = str(clf.classes_[k]), float(proba[k])
        else:
            options = [
                o if isinstance(o, str) else o.get("value") for o in control.get("options", [])
            ]
            hits = [o for o in options if isinstance(o, str) and o.lower() in text.lower()]
            if not hits:
                return None
            label, score = hits[0], 0.6
        return {"control": name, "value": {"choices": [label]}, "score": round(score, 6)}

    def fit(
        self,
        items: list[dict[str, Any]],
        annotations: list[list[dict[str, Any]]],
        schema: dict[str, Any],
    ) -> str:
        fields = {c["name"]: c.get("field") or "text" for c in schema.get("controls", [])}
        per_control: dict[str, tuple[list[str], list[str]]] = {}
        for item, regions in zip(items, annotations, strict=True):
            for region in regions:
                choices = region.get("value", {}).get("choices")
                control = region.get("control")
                if control not in fields or not isinstance(choices, list) or len(choices) != 1:
                    continue
                text = item.get("data", {}).get(fields[control])
                if isinstance(text, str):
                    texts, labels = per_control.setdefault(control, ([], []))
                    texts.append(text)
                    labels.append(str(choices[0]))
        fitted = {}
        for control, (texts, labels) in per_control.items():
            if len(set(labels)) >= 2:
                fitted[control] = (fields[control], TextClassifier(min_df=1).fit(texts, labels))
        with self.lock:
            self.classifiers.update(fitted)
            versions = sorted(clf.version_ for _, clf in self.classifiers.values())
            self.version = "tfidf-" + "-".join(versions) if versions else self.version
            return self.version


def make_handler(model: Model, token: str | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "AnnotaExampleBackend/1"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug(format, *args)

        def _authorized(self) -> bool:
            if not token:
                return True
            sent = self.headers.get("Authorization", "")
            return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())

        def _send(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            if not self._authorized():
                self._send(401, {"error": "unauthorized"})
            elif self.path == "/health":
                self._send(200, {"status": "ok", "model_version": model.version})
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            if not self._authorized():
                self._send(401, {"error": "unauthorized"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, {"error": "too large"})
                return
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
                items = body["items"]
                schema = body.get("schema") or {}
                if self.path == "/predict":
                    self._send(200, {"predictions": model.predict(items, schema)})
                elif self.path == "/fit":
                    version = model.fit(items, body["annotations"], schema)
                    self._send(200, {"model_version": version})
                else:
                    self._send(404, {"error": "not found"})
            except (KeyError, TypeError, ValueError) as exc:
                self._send(400, {"error": f"bad request: {type(exc).__name__}"})

    return Handler


def make_server(host: str, port: int, token: str | None) -> ThreadingHTTPServer:
    """A ready server (``port`` 0 picks a free one: read ``server.server_address``)."""
    return ThreadingHTTPServer((host, port), make_handler(Model(), token))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9090)
    parser.add_argument("--token", default=None, help="Bearer token callers must send.")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    server = make_server(args.host, args.port, args.token)
    log.info("model backend on http://%s:%d", *server.server_address[:2])
    server.serve_forever()


if __name__ == "__main__":
    main()
