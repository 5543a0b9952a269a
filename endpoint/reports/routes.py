"""Where SMS providers post their delivery reports (docs/notifications.md#delivery-reports).

* `POST /api/v1/sms-reports/twilio/<outbox id>`: Twilio's status callback (form fields),
  the address ledig gave as the message's `StatusCallback`; it must carry a valid
  `X-Twilio-Signature` (HMAC-SHA1 with the auth token of `LEDIG_SMS_URL`, over
  `LEDIG_SMS_REPORT_URL` + the path and the sorted form fields).
* `POST /api/v1/sms-reports/sveve/<token>`: Sveve's delivery report (form fields or a
  query string; ask Sveve for POST, so the number is not in an address).
* `POST /api/v1/sms-reports/linkmobility/<token>`: LINK Mobility's delivery report
  (JSON), posted by the gate LINK set up.

`<token>` is `endpoint.notify.reports.report_token` of `LEDIG_SECRET_KEY`
(`endpoint sms-report-urls` prints the addresses). Only the provider `LEDIG_SMS_URL`
names has a route (the others are 404). A wrong signature or token is 403, a request
that is not the provider's report 422, a report of no message of ours 404 — all
problem+json, none saying more — and a report taken (whether it changed anything or
not) 200, which is what each provider reads as "received". No number, name or text of
a report is logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from flask import Blueprint, Response, request

from endpoint.notify import reports
from endpoint.notify.providers import REPORTS_PATH, LinkMobility, Provider, Sveve, Twilio, provider
from endpoint.problems import Problem, validation
from endpoint.reports import apply as sms_reports
from endpoint.state import current, now

log = logging.getLogger("ledig.sms")

bp = Blueprint("sms_reports", __name__, url_prefix=REPORTS_PATH)


def _configured(kind: type[Provider]) -> Provider:
    """The provider of LEDIG_SMS_URL, if it is of this kind; else there is no such route."""
    settings = current().settings
    configured = provider(settings.sms_url) if settings.sms_url else None
    if not isinstance(configured, kind):
        raise Problem("not_found")
    return configured


def _forbidden(name: str) -> Problem:
    # neither the address (Sveve's and LINK's hold the token) nor the body is logged
    log.warning("an SMS delivery report said to be from %s was refused: wrong signature "
                "or token", name)
    return Problem("forbidden", "This report is not signed by the provider.")


def _take(name: str, read: Callable[[], reports.Report]) -> Response:
    try:
        report = read()
    except reports.ReportError as exc:
        raise validation([("", "bad_request")]) from exc
    done = sms_reports.apply(report, name, now())
    if done == sms_reports.UNKNOWN:
        raise Problem("not_found", "No such message.")
    return Response("", status=200, mimetype="text/plain")


def _token(name: str, token: str) -> None:
    expected = reports.report_token(current().settings.secret_key, name)
    if not reports.same(token, expected):
        raise _forbidden(name)


@bp.post("/twilio/<int:outbox_id>")
def twilio(outbox_id: int) -> Response:
    twilio = _configured(Twilio)
    assert isinstance(twilio, Twilio)
    base = current().settings.sms_report_url
    if not base:  # no reports were asked for, so none can be signed for this address
        raise Problem("not_found")
    form = request.form.to_dict()
    query = request.query_string.decode("latin-1")
    url = base.rstrip("/") + request.path + (f"?{query}" if query else "")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not reports.same(signature,
                                         reports.twilio_signature(twilio.token, url, form)):
        raise _forbidden("Twilio")
    return _take("Twilio", lambda: reports.twilio(form, outbox_id))


@bp.post("/sveve/<token>")
def sveve(token: str) -> Response:
    _configured(Sveve)
    _token("sveve", token)
    fields = {**request.args.to_dict(), **request.form.to_dict()}
    return _take("Sveve", lambda: reports.sveve(fields))


@bp.post("/linkmobility/<token>")
def link_mobility(token: str) -> Response:
    _configured(LinkMobility)
    _token("linkmobility", token)
    try:
        body = json.loads(request.get_data(cache=False, as_text=True) or "null")
    except ValueError:
        body = None
    return _take("LINK Mobility", lambda: reports.link_mobility(body))
