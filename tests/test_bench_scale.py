"""bench.scale's own parts, with tiny numbers (the benchmark itself is run by hand):
the generated clinics validate and have a realistic mix of sizes, the traffic skew is
Zipf-like, the workload has moves and holds, the JSON has docs/scale.md's keys (and moves/s
and holds/s), and the violation count in SQL finds overlapping bookings, unexpired holds
over a booking or another hold, a patient over the limit and an address over the cap of
holds when there are some."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from bench.scale import Result, report_json, violations
from bench.scale_content import LIMIT, calendar_count, write_clinics, zipf_weights
from bench.scale_load import HOLD_OUTCOMES, WEIGHTS, patient_address
from common.content import load_content


def test_generated_clinics_validate_and_most_have_two_to_six_calendars(tmp_path):
    sizes = write_clinics(tmp_path / "content", 30)
    content = load_content(tmp_path / "content")
    assert content.errors == []
    assert sorted(content.clinics) == sorted(sizes)
    assert all(len(content.clinics[s].calendars) == n for s, n in sizes.items())
    rng = random.Random(17)
    mix = [calendar_count(rng) for _ in range(2000)]
    assert sum(1 for n in mix if 2 <= n <= 6) / len(mix) > 0.8
    assert 5 <= mix.count(20) <= 60  # "a few with 20"
    assert set(mix) <= {2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 20}


def test_the_traffic_skew_has_a_few_busy_clinics_and_a_long_tail():
    weights = zipf_weights(2000)
    assert abs(sum(weights) - 1) < 1e-9
    assert weights == sorted(weights, reverse=True)
    assert sum(weights[:20]) > 0.4  # 1 % of the clinics carry more than 40 % of the reads
    assert weights[0] > 100 * weights[1000]


def test_the_json_has_exactly_the_keys_of_spec_14():
    def result(label: str, n: int) -> Result:
        return Result(label, n, 100.0, 5.0, 50.0, 3.0, 0, 0.9, 1000, 0, {}, 1, LIMIT, 1.0)

    variant = result("4 processes, each clinic's requests to one process", 4)
    variant.plain = False
    variant.hit_ratio = 0.5
    report = report_json(2000, [result("1 process", 1), result("4 processes", 4), variant],
                         {"startup_s": 3.0, "reload_s": 0.5, "rss_mb": 200.0})
    assert list(report) == ["clinics", "processes", "cache_hit_ratio", "startup_s_2000_clinics",
                            "reload_s_one_clinic_of_2000", "rss_mb_2000_clinics"]
    assert [list(p) for p in report["processes"]] == [
        ["n", "rps", "p99_ms", "bookings_per_s", "moves_per_s", "holds_per_s",
         "violations"]] * 2
    assert [p["n"] for p in report["processes"]] == [1, 4]  # no variant runs
    assert report["cache_hit_ratio"] == 0.9  # of the largest plain count
    lost_race = report_json(1, [Result("1 process", 1, 1, 1, 1, 1, 0, 1, 1, 0, {}, 2, 1, 1)],
                            None)
    assert lost_race["processes"][0]["violations"] == 1  # two winners of one slot count
    mixed = Result("1 process", 1, 1, 1, 1, 1, 0, 1, 1, 0, {}, 1, 1, 1, mixed_winners=0)
    assert report_json(1, [mixed], None)["processes"][0]["violations"] == 1  # nobody won


def test_the_workload_moves_holds_and_does_all_three_things_with_a_hold():
    assert set(WEIGHTS) == {"slots", "info", "book", "hold", "move", "cancel", "staff_day"}
    assert WEIGHTS["move"] > 0 and WEIGHTS["hold"] > 0
    assert set(HOLD_OUTCOMES) == {"book", "release", "leave"}
    assert all(share > 0 for share in HOLD_OUTCOMES.values())
    # one address per patient, as a balancer in front would pass it on
    assert patient_address(0) == "10.0.0.0" and patient_address(599) == "10.0.2.87"
    assert len({patient_address(i) for i in range(600)}) == 600


def test_the_violation_count_finds_overlaps_of_bookings_and_holds_and_limits_broken(
        postgres_url):
    from support import TEST_DATA_KEY

    from endpoint.storage.crypto import Keyring
    from endpoint.storage.db import Booking, Hold, db
    from endpoint.storage.migrations import open_and_migrate

    open_and_migrate(postgres_url, Keyring.from_text(TEST_DATA_KEY))
    # the count reads PostgreSQL's clock (now()): the rows are placed relative to it
    with db.connection_context():
        (utc_now,) = db.execute_sql("SELECT now() AT TIME ZONE 'UTC'").fetchone()
    start = utc_now.replace(microsecond=0) + timedelta(days=3)

    def row(calendar: str, minutes: int, patient: str, status: str = "active") -> dict:
        at = start + timedelta(minutes=minutes)
        return {"public_id": uuid.uuid4().hex, "clinic": "k", "calendar": calendar,
                "type": "kort", "start": at, "end": at + timedelta(minutes=20),
                "status": status, "self_booked": True, "patient_key": patient}

    rows = [row("a", 0, "p1"), row("a", 20, "p2"), row("a", 30, "p3", "cancelled"),
            row("b", 0, "p4"), row("b", 60, "p4")]

    def hold(calendar: str, minutes: int, length: int = 20, expired: bool = False,
             client: str = "c1") -> dict:
        at = start + timedelta(minutes=minutes)
        return {"public_id": uuid.uuid4().hex, "clinic": "k", "calendar": calendar,
                "type": "kort", "start": at, "end": at + timedelta(minutes=length),
                "expires_at": utc_now + timedelta(minutes=-1 if expired else 5),
                "token_hash": uuid.uuid4().hex, "client_key": client}

    # beside the bookings: a hold after a's active ones (over the cancelled one only), and
    # an expired one over a's first
    holds = [hold("a", 40), hold("a", 0, expired=True)]
    with db.connection_context():
        Booking.insert_many(rows).execute()
        Hold.insert_many(holds).execute()
    assert violations(postgres_url) == (0, 4, 1)
    extra = [row("a", 10, "p5"), row("c", 0, "p4")]  # overlaps a's first two; p4's third
    with db.connection_context():
        # the schema's own guard refuses overlaps on PostgreSQL; the count must not need it
        db.execute_sql("ALTER TABLE booking DROP CONSTRAINT booking_no_overlap")
        Booking.insert_many(extra).execute()
    db.close()
    assert violations(postgres_url) == (2 + 1, 6, 1)
    # an unexpired hold over b's first booking; one over the hold at 40 (another start);
    # client c1 then holds 4 times at once, one more than the cap
    with db.connection_context():
        Hold.insert_many([hold("b", 10), hold("a", 50, client="c2"), hold("c", 300),
                          hold("d", 0)]).execute()
    db.close()
    assert violations(postgres_url) == (3 + 1 + 1 + 1, 6, 5)
