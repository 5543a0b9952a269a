"""Running the app on waitress, a production WSGI server, with its background work."""

from __future__ import annotations

import logging

from waitress import serve as waitress_serve

from endpoint import state as app_state
from endpoint.app import create_app
from endpoint.clock import SYSTEM, Clock
from endpoint.features import senders_of
from endpoint.notify.outbox import start_worker
from endpoint.settings import Settings
from endpoint.storage.purge import start_daily_purge

log = logging.getLogger("ledig.server")


def serve(settings: Settings, *, host: str, port: int, threads: int = 8,
          clock: Clock = SYSTEM) -> None:
    app = create_app(settings, clock)
    state = app_state.of(app)
    if settings.outbox_worker:
        state.workers["outbox"] = start_worker(state.settings, state.clock,
                                               senders_of(state.features))
    # only when LEDIG_PURGE_AFTER_DAYS is set
    if (purging := start_daily_purge(settings.purge_after_days, state.clock)) is not None:
        state.workers["purge"] = purging
    for feature in state.features:  # calendar sync's refresher (docs/features.md)
        for name, start in feature.workers.items():
            if (worker := start(state)) is not None:
                state.workers[name] = worker
    log.info("serving on http://%s:%d/ (%d threads)", host, port, threads)
    # With LEDIG_TRUSTED_PROXIES the app's ProxyFix takes the client address from the last
    # N X-Forwarded-For entries, so waitress must pass those headers on; without it they
    # are dropped here and nobody can claim another address.
    waitress_serve(app, host=host, port=port, threads=threads, ident="ledig",
                   clear_untrusted_proxy_headers=not settings.trusted_proxies,
                   channel_timeout=30)
