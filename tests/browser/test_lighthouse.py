"""Lighthouse (npm's, on Debian's Chromium) on a clinic's booking page: accessibility
and best practices both score 1.0. One run, Lighthouse's mobile default, of the page
with a practitioner and a type preselected, so the month grid of the day step is on
it; the clinic has no analytics (gtag.js cannot load without internet). Scores, not
times: the performance figures are `python -m bench.lighthouse`'s (docs/performance.md).
The report is kept in `test-artifacts/lighthouse-booking.json`."""

from __future__ import annotations

import os

import pytest
from booking_support import SLUG

from bench.lighthouse import failing, missing, run, scores

pytestmark = pytest.mark.browser

CATEGORIES = ("accessibility", "best-practices")


def test_booking_page_scores_full_marks_for_accessibility_and_best_practices(
        booking_site, artifacts_dir):
    reason = missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"Lighthouse is required under CI: {reason}")
        pytest.skip(f"Lighthouse not available: {reason}")
    site = booking_site()
    html = (site.site / SLUG / "index.html").read_text(encoding="utf-8")
    assert "googletagmanager" not in html  # the clinic under test has no analytics

    report = artifacts_dir / "lighthouse-booking.json"
    result = run(site.page("?calendar=berg&type=kort"), report, "mobile", CATEGORIES)

    got = scores(result)
    found = "\n".join(f"{category}: {line}" for category in CATEGORIES
                      for line in failing(result, category))
    assert got == {"accessibility": 1, "best-practices": 1}, (
        f"Lighthouse's failing audits (report: {report}):\n{found}")
