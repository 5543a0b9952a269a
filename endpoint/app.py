"""The Flask app factory: routes, errors as problem+json, CORS, limits, headers."""

from __future__ import annotations

import logging
from pathlib import Path
from types import MappingProxyType

from flask import Flask, Response, jsonify, redirect, request, send_from_directory
from markupsafe import escape
from peewee import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix

from common.words.pages import strings
from endpoint import features as plugged
from endpoint import state as app_state
from endpoint.api.openapi import bp as openapi_bp
from endpoint.api.routes import bp as api_bp
from endpoint.clock import SYSTEM, Clock
from endpoint.notify.providers import REPORTS_PATH
from endpoint.problems import Problem, problem_response, validation
from endpoint.ratelimit import RateLimiter
from endpoint.registry import Registry
from endpoint.routing import LazyRule
from endpoint.services.patients import index_unindexed
from endpoint.services.work import Hooks
from endpoint.settings import Settings, ensure_secret_key
from endpoint.state import AppState
from endpoint.storage.crypto import DataKeyError, TamperedData
from endpoint.storage.db import db, ping
from endpoint.storage.migrations import ensure_schema
from endpoint.storage.opening import open_sealed

log = logging.getLogger("ledig.endpoint")

API_HEADERS = MappingProxyType({
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "cross-origin",
})


#: after a failed connect, requests get 503 at once for this long instead of each waiting
#: out its own connect timeout behind the others
DB_RETRY_SECONDS = 3.0


def _unavailable() -> Problem:
    return Problem("unavailable", "The booking database is unreachable; try again shortly.",
                   headers={"Retry-After": "5"})


def create_app(settings: Settings, clock: Clock = SYSTEM) -> Flask:
    """The app for `settings`; `clock` is the one time source of everything in it."""
    settings = ensure_secret_key(settings)
    app = Flask(__name__, static_folder=None)
    app.url_rule_class = LazyRule  # URL builders made on first use: a faster start
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # the default provider's
    app.json.sort_keys = False  # type: ignore[attr-defined]
    settings, _keyring = open_sealed(settings)
    _index_patients(settings)
    running = plugged.load(settings.features)
    state = AppState(settings=settings, clock=clock,
                     registry=Registry(settings.content, settings.reload_interval, clock,
                                       cache=settings.var / "content-cache",
                                       preview_url=settings.preview_url,
                                       running=settings.features),
                     limiter=RateLimiter(clock),
                     features=running, hooks=Hooks.of(f.hooks for f in running))
    app.extensions[app_state.KEY] = state
    state.registry.on_reload = lambda clinic: _warn_of_conflicts(state, clinic)
    if settings.trusted_proxies:
        # Flask's documented way of wrapping the WSGI app in middleware
        app.wsgi_app = ProxyFix(app.wsgi_app,  # type: ignore[method-assign]
                                x_for=settings.trusted_proxies,
                                x_proto=settings.trusted_proxies)

    app.register_blueprint(api_bp)
    app.register_blueprint(openapi_bp)
    #: blueprint name -> the feature it belongs to: the clinic must use it (else 404)
    gates: dict[str, str] = {}
    for feature in running:  # docs/features.md: one list, in its order
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)
            gates[blueprint.name] = feature.name
        if feature.start is not None:
            feature.start(state)

    @app.before_request
    def _gate():
        """A feature's route for a clinic that does not use it: 404 like an unknown route."""
        feature = gates.get(request.blueprint or "")
        slug = (request.view_args or {}).get("slug")
        if feature is not None and isinstance(slug, str):
            clinic = state.registry.get(slug)
            if clinic is not None and not state.uses(clinic, feature):
                raise NotFound()
        return None

    @app.before_request
    def _open():
        if request.method == "OPTIONS":
            return _preflight(state)
        if request.path in ("/healthz", "/openapi.json"):
            return None  # healthz reports the database itself; the description needs none
        if state.clock.monotonic() < state.db_down_until:
            raise _unavailable()  # failed moments ago: answer now instead of queueing
        try:
            db.connect(reuse_if_open=True)
            ensure_schema()
        except (OperationalError, InterfaceError) as exc:
            log.error("database unreachable: %s", type(exc).__name__)
            state.db_down_until = state.clock.monotonic() + DB_RETRY_SECONDS
            raise _unavailable() from exc
        # staff API calls are authenticated (failed logins are limited on their own), so a
        # busy reception desk is not throttled like anonymous traffic from its address
        # nor are an SMS provider's signed delivery reports, which come in bursts from a few
        # addresses after a round of reminders
        if request.method in ("POST", "PATCH", "DELETE") and request.path.startswith("/api/") \
                and not request.path.startswith((STAFF_API, REPORTS_PATH)):
            _limit(state)
        elif request.path.startswith("/patient/"):  # each login start stores an attempt
            _limit(state)
        return None

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()

    @app.after_request
    def _headers(response: Response) -> Response:
        if request.path.startswith(("/api/", "/healthz", "/openapi.json", "/staff/")):
            staff = request.path.startswith("/staff/")
            if staff:  # no other site may load a staff page, even as a plain resource
                response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
            for k, v in API_HEADERS.items():  # staff pages set their own first
                response.headers.setdefault(k, v)
            if not staff:
                _cors(state, response)
        else:  # served pages, redirects and 404s
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
            response.headers.setdefault("Content-Security-Policy",
                                        frame_ancestors(state, request.path.lstrip("/")))
        return response

    @app.errorhandler(Problem)
    def _problem(problem: Problem):
        return problem_response(problem)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code == 404 and settings.site is not None and _wants_page():
            return _missing_page(state)  # a mistyped address of the preview's pages
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "payload_too_large",
                415: "unsupported_media_type", 429: "rate_limited"}.get(exc.code or 0)
        if code is None:
            code = "validation" if (exc.code or 500) < 500 else "internal"
            if code == "validation":
                return problem_response(validation([("", "bad_request")]))
        return problem_response(Problem(code, exc.description or ""))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _db_down(exc):
        log.error("database error: %s", type(exc).__name__)
        return problem_response(_unavailable())

    @app.errorhandler(TamperedData)
    @app.errorhandler(DataKeyError)
    def _sealed(exc: Exception):
        # a sealed value that does not open is reported, never shown as garbage
        log.error("patients' data failed its integrity check on %s %s: %s", request.method,
                  request.path, exc)
        return problem_response(Problem("data_integrity", "Stored data could not be read "
                                        "safely; the clinic's operator has been alerted."))

    @app.errorhandler(Exception)
    def _crash(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(Problem("internal", "Something went wrong on our side."))

    @app.get("/healthz")
    def healthz():
        ok = ping() and _schema_ready()
        errors = state.registry.errors()
        clinics = state.registry.clinics()
        added: dict[str, object] = {}
        degraded = False  # a feature says so with its "degraded": true (not shown itself)
        for feature in state.features:  # calendar sync's sources, say
            if feature.health is not None and ok:
                part = dict(feature.health(state, clinics))
                degraded = bool(part.pop("degraded", False)) or degraded
                added.update(part)
        body = {
            "status": ("degraded" if degraded else "ok") if ok else "unavailable",
            "database": "ok" if ok else "unreachable",
            "clinics": sorted(clinics),
            "content": "ok" if not errors else "invalid change refused; serving last valid",
            "content_errors": [str(e) for e in errors],
            "conflicts": _conflicts(state, clinics) if ok else None,
            # the features' own: calendar sync's busy sources (docs/sync.md), failing or stale
            **added,
            # this process's slot cache since it started (`bench.scale` reads the hit ratio)
            "slot_cache": state.slot_cache.stats(),
        }
        return jsonify(body), 200 if ok else 503

    if settings.site is not None:
        _serve_site(app, Path(settings.site), state)
    return app


def _index_patients(settings: Settings) -> None:
    """Put the patients booked before the search index existed into it (once)."""
    try:
        with db.connection_context():
            indexed = index_unindexed(settings.secret_key)
        if indexed:
            log.info("indexed %d returning patients for staff search", indexed)
    except (OperationalError, InterfaceError) as exc:
        log.error("could not index patients for search at start: %s", type(exc).__name__)


def _conflicts(state: AppState, clinics: dict) -> int | None:
    """Active future bookings outside their clinic's schedule (None if they cannot be read)."""
    try:
        return state.conflicts.count(clinics, state.clock.now())
    except (OperationalError, InterfaceError):
        return None


def _warn_of_conflicts(state: AppState, clinic) -> None:
    """A content reload replaced `clinic`: warn when it leaves bookings outside the schedule."""
    was_closed = db.is_closed()  # a reload noticed by /healthz, which opens no connection
    try:
        state.conflicts.clinic_changed(clinic, state.clock.now())
    except (OperationalError, InterfaceError) as exc:
        log.warning("content: could not count %s's bookings outside the schedule (%s)",
                    clinic.slug, type(exc).__name__)
    finally:
        if was_closed and not db.is_closed():
            db.close()


def _schema_ready() -> bool:
    try:
        ensure_schema()
        return True
    except (OperationalError, InterfaceError):
        return False


def _client() -> str:
    return request.remote_addr or "unknown"


def _limit(state: AppState) -> None:
    rate = state.settings.rate
    if rate is None:
        return
    retry = state.limiter.hit(f"ip:{_client()}", *rate)
    if retry is not None:
        raise Problem("rate_limited", "Too many requests from your address; wait a moment.",
                      headers={"Retry-After": str(retry)})


def allowed_origins(state: AppState, slug: str | None) -> set[str]:
    if slug:  # one clinic's: no copy of every clinic's entry per request (2,000 of them)
        clinic = state.registry.get(slug)
        return set(clinic.origins) if clinic is not None else set()
    return {origin for clinic in state.registry.clinics().values() for origin in clinic.origins}


STAFF_API = "/api/v1/staff/"


def _slug_of(path: str) -> str | None:
    parts = path.split("/")
    if len(parts) > 4 and parts[1:4] == ["api", "v1", "clinics"]:
        return parts[4]
    return None


def _cors(state: AppState, response: Response) -> None:
    origin = request.headers.get("Origin")
    response.vary.add("Origin")
    if not origin:
        return
    if request.path == "/openapi.json":
        response.headers["Access-Control-Allow-Origin"] = "*"
        return
    if request.path.startswith(STAFF_API):
        return  # the clinic's own staff; no page on another origin may call it
    if origin in allowed_origins(state, _slug_of(request.path)):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"


def _preflight(state: AppState) -> Response:
    response = Response(status=204)
    origin = request.headers.get("Origin")
    if origin and origin in allowed_origins(state, _slug_of(request.path)) \
            and not request.path.startswith(STAFF_API):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, DELETE"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
        response.headers["Access-Control-Max-Age"] = "600"
    response.vary.add("Origin")
    return response


def _serve_site(app: Flask, site: Path, state: AppState) -> None:
    """Local preview of the generated pages (production serves them from the clinic's host)."""
    site = site.resolve()  # Flask would read a relative folder against the package's root

    @app.get("/")
    def site_index():
        clinics = sorted(state.registry.clinics())
        if len(clinics) == 1 and (site / clinics[0] / "index.html").exists():
            return redirect(f"/{clinics[0]}/")
        links = "".join(f'<li><a href="/{s}/">{s}</a></li>' for s in clinics)
        return Response(f"<!doctype html><html lang=nb><meta charset=utf-8>"
                        f"<title>ledig</title><h1>ledig</h1><ul>{links}</ul>",
                        mimetype="text/html")

    @app.get("/<path:path>")
    def site_file(path: str):
        target = site / path
        if path.endswith("/") or target.is_dir():
            if not path.endswith("/"):
                return redirect(f"/{path}/")
            path += "index.html"
        response = send_from_directory(site, path, max_age=0)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        return response


def _wants_page() -> bool:
    """A browser asking for a page (not the API, not the staff pages, which have their own)."""
    if request.path.startswith(("/api/", "/staff/", "/patient/", "/openapi.json", "/healthz")):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def _missing_page(state: AppState) -> Response:
    """404 as a page in the clinic's language (the first part of the path names the clinic),
    with a link to its booking page."""
    slug = request.path.strip("/").split("/", 1)[0]
    clinic = state.registry.get(slug) if slug else None
    words = strings(clinic.language if clinic is not None else "nb")
    home = f"/{clinic.slug}/" if clinic is not None else "/"
    lang = clinic.language if clinic is not None else "nb"
    body = (f'<!doctype html><html lang="{lang}"><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(words['missing_title'])}</title>"
            f"<main><h1>{escape(words['missing_title'])}</h1>"
            f"<p>{escape(words['missing_text'])}</p>"
            f'<p><a href="{escape(home)}">{escape(words["missing_link"])}</a></p></main>')
    return Response(body, status=404, mimetype="text/html")


def frame_ancestors(state: AppState, path: str) -> str:
    """Only the clinic's own origins (`embed_origins`, `pages_url`) may frame its pages."""
    slug = path.split("/", 1)[0]
    origins = sorted(allowed_origins(state, slug)) if slug else []
    return " ".join(["frame-ancestors 'self'", *origins])
