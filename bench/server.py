"""The benchmark's server: the real app plus a bare Flask JSON route, on waitress."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from flask import jsonify
from waitress import serve

from endpoint.app import create_app
from endpoint.settings import from_env


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--content", type=Path, required=True)
    p.add_argument("--database", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--threads", type=int, default=4)
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = from_env().with_(content=args.content, database_url=args.database,
                                outbox_worker=False)
    app = create_app(settings)

    @app.get("/bare")
    def bare():
        return jsonify({"status": "ok", "clinic": "bench", "slots": [1, 2, 3]})

    serve(app, host="127.0.0.1", port=args.port, threads=args.threads, ident="bench",
          _quiet=True)


if __name__ == "__main__":
    main()
