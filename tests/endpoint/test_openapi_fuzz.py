"""Fuzzing the API from its own OpenAPI description (schemathesis 3, bounded).

Every operation in `/openapi.json` gets generated requests — valid ones and
(for the body) invalid ones — through the WSGI app; every response must be
documented, of the documented content type and schema, and never a 5xx. The
staff API's operations are called with a staff user's credentials, so that the
fuzzer reaches past the login into parsing and the services. The run is
derandomised and bounded so the suite stays fast and repeatable.
"""

from __future__ import annotations

import copy
import warnings
from datetime import timedelta

import pytest
from endpoint_support import SLUG, booking_body, grenda_yaml, local
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from support import write_clinic

from endpoint.api.frozen import thawed
from endpoint.api.openapi import SPEC

with warnings.catch_warnings():
    # schemathesis 3 imports names that jsonschema has deprecated; not ours to fix
    warnings.simplefilter("ignore", DeprecationWarning)
    import schemathesis
    from schemathesis import DataGenerationMethod
    from schemathesis.exceptions import CheckFailed
    from schemathesis.specs.openapi import schemas  # noqa: F401 - the lazy imports, now

schemathesis.experimental.OPEN_API_3_1.enable()  # 3.1 support is opt-in in schemathesis 3
POSITIVE, NEGATIVE = DataGenerationMethod.positive, DataGenerationMethod.negative

EXAMPLES = {"GET": 30, "POST": 60, "PATCH": 30, "DELETE": 30}  # about 500 cases in all
STAFF_EXAMPLES = {"GET": 15, "POST": 40, "PATCH": 40, "DELETE": 15}  # about 275 more
STAFF_USER = ("kari", "fjord-kaffe-mandag-7")
STAFF_TOKEN = "kari-fuzz-api-token-" + "f" * 32  # set as her API token by the fixture


def fuzz_app(make_app, content_dir, clock, database_url, *, ids_of=None):
    """An app with a staff user, a booking and a block to aim at; `ids_of` another such app
    whose booking and block ids these take (a case generated for one runs on the other)."""
    write_clinic(content_dir, SLUG, grenda_yaml())
    app = make_app(database_url=database_url)
    from endpoint.staff.users import add_user, api_token_hash
    from endpoint.storage.db import Booking, StaffBlock, StaffUser, db

    with db.connection_context():
        add_user(SLUG, *STAFF_USER)
        StaffUser.update(api_token_hash=api_token_hash(STAFF_TOKEN)).where(
            StaffUser.username == STAFF_USER[0]).execute()
    client = app.test_client()
    start = local(clock.at.date() + timedelta(days=2), 10)
    created = client.post(f"/api/v1/clinics/{SLUG}/bookings", json=booking_body(start))
    assert created.status_code == 201
    block = client.post(f"/api/v1/staff/{SLUG}/blocks", headers=staff_headers(), json={
        "calendar": "b", "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(), "reason": "Møte"})
    assert block.status_code == 201, block.get_json()
    booking, block = created.get_json(), block.get_json()["block"]
    if ids_of is not None:
        with db.connection_context():
            Booking.update(public_id=ids_of.config["FUZZ_BOOKING"]["booking"]["id"]).where(
                Booking.public_id == booking["booking"]["id"]).execute()
            StaffBlock.update(public_id=ids_of.config["FUZZ_BLOCK"]["id"]).where(
                StaffBlock.public_id == block["id"]).execute()
        booking, block = ids_of.config["FUZZ_BOOKING"], ids_of.config["FUZZ_BLOCK"]
    app.config["FUZZ_BOOKING"], app.config["FUZZ_BLOCK"] = booking, block
    return app


@pytest.fixture
def app(make_app, content_dir, clock, database_url):
    """On SQLite and on PostgreSQL: some input only PostgreSQL refuses (a NUL in text)."""
    return fuzz_app(make_app, content_dir, clock, database_url)


def staff_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {STAFF_TOKEN}"}


def fuzz_spec(app) -> dict:
    """The served description, with path and query values steered towards real clinics."""
    spec = copy.deepcopy(app.test_client().get("/openapi.json").get_json())
    assert spec == thawed(SPEC)
    known = app.config["FUZZ_BOOKING"]["booking"]
    block = app.config["FUZZ_BLOCK"]
    for route, path in spec["paths"].items():
        for method, operation in path.items():
            for param in operation.get("parameters", []):
                if param["name"] == "slug":
                    param["schema"] = {"anyOf": [{"enum": [SLUG, "fjordlegene"]},
                                                 param["schema"]]}
                elif param["name"] == "type":
                    param["schema"] = {"anyOf": [{"enum": ["time", "konsultasjon", "intern"]},
                                                 param["schema"]]}
                elif param["name"] == "booking_id" and method == "patch" \
                        and route.startswith("/api/v1/staff/"):
                    # a staff change's body is parsed only for a booking that exists:
                    # every generated change goes to the known one (a 404 for an unknown
                    # id is the GET's and DELETE's; test_staff_api.py tests it too)
                    param["schema"] = {"enum": [known["id"]]}
                elif param["name"] == "booking_id":
                    param["schema"] = {"anyOf": [{"enum": [known["id"]]}, param["schema"]]}
                elif param["name"] == "block_id":
                    param["schema"] = {"anyOf": [{"enum": [block["id"]]}, param["schema"]]}
                elif param["name"] == "q":
                    param["schema"] = {"anyOf": [{"enum": ["Kari", "40612345"]},
                                                 param["schema"]]}
    return spec


def operations(app, spec: dict | None = None):
    schema = schemathesis.from_dict(spec or fuzz_spec(app), app=app, validate_schema=True,
                                    data_generation_methods=[POSITIVE, NEGATIVE])
    for result in schema.get_all_operations():
        yield result.ok()


def test_the_description_is_valid_openapi_3_1(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    schemathesis.from_dict(spec, validate_schema=True)  # raises when it is not
    documented = {(p, m.upper()) for p, ops in spec["paths"].items() for m in ops}
    assert {("/api/v1/clinics/{slug}", "GET"), ("/api/v1/clinics/{slug}/slots", "GET"),
            ("/api/v1/clinics/{slug}/bookings", "POST"),
            ("/api/v1/clinics/{slug}/bookings/{booking_id}", "GET"),
            ("/api/v1/clinics/{slug}/bookings/{booking_id}", "DELETE"),
            ("/healthz", "GET")} <= documented


def fuzz(operation, seen: set[int], cases: list | None = None) -> None:
    """Generated requests for `operation`, each checked; each kept in `cases` if given."""
    strategies = [operation.as_strategy(data_generation_method=POSITIVE)]
    if operation.path_parameters or operation.query or operation.body:
        strategies.append(operation.as_strategy(data_generation_method=NEGATIVE))

    staff = operation.path.startswith("/api/v1/staff/")
    examples = (STAFF_EXAMPLES if staff else EXAMPLES)[operation.method.upper()]

    @settings(max_examples=examples, deadline=None,
              derandomize=True, database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate])  # no shrinking: keep a failure fast
    @given(case=st.one_of(*strategies))
    def check(case):
        # the test client (unlike a real one) does not escape '?' and '#' in a path segment
        assume(not any(c in str(v) for v in (case.path_parameters or {}).values() for c in "?#"))
        if staff:  # past the login: the fuzzer is to reach parsing and the services
            case.headers = {**(case.headers or {}), **staff_headers()}
        response = case.call()  # through the WSGI app: no network
        seen.add(response.status_code)
        assert response.status_code < 500, response.get_data(as_text=True)
        case.validate_response(response)
        if cases is not None:
            cases.append(case)

    check()


def group_of(method: str, path: str) -> str:
    """The part of the operations a test fuzzes: four tests share the run between them."""
    who = "staff" if path.startswith("/api/v1/staff/") else "public"
    return f"{who} {'reads' if method.upper() == 'GET' else 'writes'}"


@pytest.mark.parametrize("group", ["public reads", "public writes", "staff reads",
                                   "staff writes"])
def test_fuzzing_finds_no_server_error_and_no_undocumented_response(make_app, content_dir,
                                                                   clock, sqlite_url,
                                                                   postgres_url, group):
    """Generated on SQLite, then every case again on PostgreSQL, which refuses some input
    SQLite takes (a NUL in text): the cases are made once (most of the cost), run twice."""
    app = fuzz_app(make_app, content_dir, clock, sqlite_url)
    seen: dict[str, set[int]] = {}
    cases: list = []
    mine = [op for op in operations(app) if group_of(op.method, op.path) == group]
    for operation in mine:
        fuzz(operation, seen.setdefault(f"{operation.method.upper()} {operation.path}", set()),
             cases)
    reached_every_route(seen, group)
    wanted = sum((STAFF_EXAMPLES if op.path.startswith("/api/v1/staff/") else EXAMPLES)
                 [op.method.upper()] for op in mine)
    assert len(cases) > 0.75 * wanted  # all but the few assumed away (about 775 in all)

    again = fuzz_app(make_app, content_dir, clock, postgres_url, ids_of=app)
    seen = {}
    for case in cases:
        response = case.call(app=again)  # the same request, to the other app
        seen.setdefault(f"{case.operation.method.upper()} {case.operation.path}",
                        set()).add(response.status_code)
        assert response.status_code < 500, response.get_data(as_text=True)
        case.validate_response(response)
    reached_every_route(seen, group)


def reached_every_route(seen: dict[str, set[int]], group: str) -> None:
    """The run reached past the front door of every route of its group (what exactly it
    reaches depends on the generator; the statuses themselves are tested in test_api.py)."""
    staff = "/api/v1/staff/{slug}"
    expected = {
        "GET /api/v1/clinics/{slug}": lambda got: {200, 404} <= got,
        "GET /api/v1/clinics/{slug}/slots": lambda got: 200 in got,
        "POST /api/v1/clinics/{slug}/bookings": lambda got: 422 in got,
        "GET /api/v1/clinics/{slug}/bookings/{booking_id}": lambda got: bool(got & {401, 404}),
        "GET /healthz": lambda got: got == {200},
        f"GET {staff}/day": lambda got: 200 in got,
        f"GET {staff}/conflicts": lambda got: 200 in got,
        f"POST {staff}/bookings": lambda got: 422 in got,
        f"POST {staff}/blocks": lambda got: 422 in got,
        f"PATCH {staff}/bookings/{{booking_id}}": lambda got: 422 in got,
        f"DELETE {staff}/blocks/{{block_id}}": lambda got: bool(got & {200, 404}),
    }
    mine = {k: ok for k, ok in expected.items() if group_of(*k.split(" ", 1)) == group}
    assert mine, group
    assert {k: sorted(seen.get(k, ())) for k, ok in mine.items() if not ok(seen.get(k, set()))} \
        == {}


def test_the_fuzzer_notices_a_response_that_breaks_the_schema(app):
    """The harness itself is checked: a description that lies about a field fails it."""
    spec = fuzz_spec(app)
    spec["components"]["schemas"]["Clinic"]["properties"]["version"] = {"type": "integer"}
    getclinic = [op for op in operations(app, spec) if op.path == "/api/v1/clinics/{slug}"]
    with pytest.raises(CheckFailed):
        fuzz(getclinic[0], set())
