"""Features a deployment runs and a clinic uses (docs/features.md): routes of a feature that is
off answer 404, a clinic file that needs a feature the deployment does not run is refused with
its file, line and key, and LEDIG_FEATURES says what is wrong with it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from endpoint_support import SLUG, booking_body, grenda_yaml
from support import write_clinic

from common.content import load_content
from endpoint.settings import SettingsError, from_env
from sitegen.cli import main as sitegen_main

API = f"/api/v1/clinics/{SLUG}"
EVERYTHING = frozenset({"timebok", "waitlist", "sync", "login", "sms_reports"})


@pytest.fixture
def grenda(content_dir):
    """The test clinic alone (the demo clinic's file removed)."""
    for path in (content_dir / "clinics").glob("*.yaml"):
        path.unlink()
    return lambda extra="": write_clinic(content_dir, SLUG, grenda_yaml() + extra)


def first_slot(client, clock) -> str:
    day = (clock.now() + timedelta(days=2)).date().isoformat()
    got = client.get(f"{API}/slots?type=time&calendar=a&from={day}&to={day}").get_json()
    return got["days"][0]["slots"][0]["start"]


def test_the_core_alone_books_and_has_no_staff_routes(make_app, grenda, clock):
    grenda()
    client = make_app(features=frozenset()).test_client()
    booked = client.post(f"{API}/bookings", json=booking_body(first_slot(client, clock)))
    assert booked.status_code == 201
    assert client.get(f"/staff/{SLUG}/login").status_code == 404


@pytest.mark.parametrize("route", [
    f"/staff/{SLUG}/login",
    f"/api/v1/staff/{SLUG}/day",
    f"{API}/waitlist/x",
    f"{API}/me",
    f"/patient/{SLUG}/login",
])
def test_a_feature_the_deployment_does_not_run_answers_404(make_app, grenda, route):
    grenda()
    client = make_app(features=frozenset()).test_client()
    assert client.get(route).status_code == 404


def test_a_clinic_without_the_wait_list_holds_nothing(make_app, grenda):
    grenda()
    info = make_app(features=frozenset({"timebok"})).test_client().get(API).get_json()
    assert (info["hold_minutes"], info["waitlist"]) == (0, False)


def test_a_clinic_that_lists_no_timebok_gets_404_where_another_gets_its_login(
        make_app, grenda, content_dir):
    grenda("features: [waitlist]\n")
    write_clinic(content_dir, "nabo", grenda_yaml(name="Nabo legekontor"))
    client = make_app(features=EVERYTHING).test_client()
    assert [client.get(f"/staff/{slug}/login").status_code for slug in (SLUG, "nabo")] \
        == [404, 200]


def test_a_clinic_listing_its_features_keeps_the_wait_list_it_lists(make_app, grenda):
    grenda("features: [waitlist]\n")
    info = make_app(features=EVERYTHING).test_client().get(API).get_json()
    assert info["waitlist"] is True


def test_a_clinic_needing_a_feature_not_run_is_refused_with_file_line_and_key(grenda):
    path = grenda("features: [timebok]\n")
    line = grenda_yaml().count("\n") + 1
    content = load_content(path.parent.parent, running=frozenset({"waitlist"}))
    assert [str(issue) for issue in content.errors] == [
        f"{path}:{line}: features: needs the feature timebok, which this deployment does "
        "not run: add it to LEDIG_FEATURES (docs/features.md)."]


def test_a_listed_clinic_must_list_what_its_keys_need(grenda, content_dir):
    grenda()
    text = grenda_yaml().replace("online:\n", "online:\n  waitlist: true\n", 1) \
        + "features: [timebok]\n"
    path = write_clinic(content_dir, SLUG, text)
    line = text.splitlines().index("  waitlist: true") + 1
    content = load_content(path.parent.parent, running=EVERYTHING)
    assert [(i.line, i.key) for i in content.errors] == [(line, "online.waitlist")]


def test_sitegen_check_refuses_a_clinic_the_deployment_cannot_serve(grenda, monkeypatch,
                                                                    capsys):
    path = grenda("features: [sync]\n")
    monkeypatch.setenv("LEDIG_FEATURES", "timebok")
    assert sitegen_main(["check", "--content", str(path.parent.parent)]) == 1
    assert "features: needs the feature sync, which this deployment does not run" \
        in capsys.readouterr().err


def test_the_endpoint_serves_the_valid_clinics_and_shows_the_refused_one(
        make_app, grenda, content_dir):
    grenda("features: [login]\n")
    write_clinic(content_dir, "nabo", grenda_yaml(name="Nabo legekontor"))
    health = make_app(features=frozenset({"timebok"})).test_client().get("/healthz").get_json()
    assert (health["clinics"], len(health["content_errors"])) == (["nabo"], 1)


@pytest.mark.parametrize(("value", "message"), [
    ("calendar", "LEDIG_FEATURES: 'calendar' is not a feature"),
    ("timebok,typo", "LEDIG_FEATURES: 'typo' is not a feature"),
])
def test_ledig_features_names_what_is_wrong(value, message):
    with pytest.raises(SettingsError, match=message):
        from_env({"LEDIG_FEATURES": value})


@pytest.mark.parametrize(("value", "running"), [
    ("none", frozenset()),
    ("timebok, sync", frozenset({"timebok", "sync"})),
    ("", EVERYTHING),
    ("all", EVERYTHING),
])
def test_ledig_features_turns_on_what_it_names(value, running):
    assert from_env({"LEDIG_FEATURES": value}).features == running
