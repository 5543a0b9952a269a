"""Running the app on waitress, a production WSGI server, with its background work."""

from __future__ import annotations

import logging

from waitress import serve as waitress_serve

from endpoint import state as app_state
from endpoint.app import create_app
from endpoint.clock import SYSTEM, Clock
from endpoint.notify.outbox import start_worker
from endpoint.settings import Settings
from endpoint.storage.purge import start_daily_purge
from endpoint.sync import refresh

log = logging.getLogger("ledig.server")


def serve(settings: Settings, *, host: str, port: int, threads: int = 8,
          clock: Clock = SYSTEM) -> None:
    app = create_app(settings, clock)
    state = app_state.of(app)
    if settings.outbox_worker:
        state.workers["outbox"] = start_worker(state.settings, state.clock)
    # only when LEDIG_PURGE_AFTER_DAYS is set
    if (purging := start_daily_purge(settings.purge_after_days, state.clock)) is not None:
        state.workers["purge"] = purging
    if settings.sync_worker:  # busy times from other calendars (docs/sync.md)
        state.workers["sync"] = refresh.start_worker(state.registry, state.clock,
                                                     settings.sync_interval)
    log.info("serving on http://%s:%d/ (%d threads)", host, port, threads)
    # With LEDIG_TRUSTED_PROXIES the app's ProxyFix takes the client address from the last
    # N X-Forwarded-For entries, so waitress must pass those headers on; without it they
    # are dropped here and nobody can claim another address.
    waitress_serve(app, host=host, port=port, threads=threads, ident="ledig",
                   clear_untrusted_proxy_headers=not settings.trusted_proxies,
                   channel_timeout=30)
