"""The day step's month grid in Chromium: short on a phone, no sideways scroll, arrow
keys move the one tab stop among the free days and Enter picks, axe clean at 360 and
1280 px, and the "first available" shortcut picks the earliest free day."""

from __future__ import annotations

import pytest
from booking_support import axe

pytestmark = pytest.mark.browser


def open_days(chromium, site, width):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site.page("?calendar=hansen&type=konsultasjon"))
    page.locator("#days button.day").first.wait_for()
    return context, page


@pytest.mark.parametrize("width", (360, 1280))
def test_day_grid_is_short_accessible_and_fits(booking_site, chromium, axe_source, artifacts_dir,
                                               width):
    site = booking_site()
    context, page = open_days(chromium, site, width)
    page.screenshot(path=str(artifacts_dir / f"day-grid-{width}.png"), full_page=True)
    height = page.locator("#step-day").bounding_box()["height"]
    assert height < 600, f"the day step is {height} px tall at {width} px"
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    grid = page.get_by_role("grid")
    assert grid.locator("th").first.inner_text() == "ma"
    assert grid.locator("th").first.get_attribute("abbr") == "mandag"
    # one tab stop in the grid, the free days named with their count
    assert grid.locator("button[tabindex='0']").count() == 1
    name = grid.locator("button.day").first.get_attribute("aria-label")
    assert name.split(", ")[1].split(" ")[1] in ("ledig", "ledige"), name
    assert axe(page, axe_source) == []
    context.close()


def test_arrow_keys_move_and_enter_picks(booking_site, chromium):
    site = booking_site()
    context, page = open_days(chromium, site, 360)
    free = page.locator("#days button.day")
    dates = [free.nth(i).get_attribute("data-date") for i in range(free.count())]
    assert len(dates) >= 3
    free.first.focus()
    active = "document.activeElement.getAttribute('data-date')"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(active) == dates[1]
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(active) == dates[1]
    page.keyboard.press("ArrowDown")
    assert page.evaluate(active) > dates[1]
    page.keyboard.press("ArrowUp")
    assert page.evaluate(active) <= dates[1]
    page.keyboard.press("Home")
    home = page.evaluate(active)
    # the roving tab stop follows focus
    assert page.locator("#days button[tabindex='0']").get_attribute("data-date") == home
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "h-slot"
    assert page.locator("#step-day .done-text").inner_text().split(" ")[1].rstrip(".") == \
        str(int(home[8:]))
    context.close()


def test_first_available_shortcut_picks_the_earliest_day(booking_site, chromium):
    site = booking_site()
    context, page = open_days(chromium, site, 1280)
    first = page.locator("#days button.day").first.get_attribute("data-date")
    page.get_by_role("button", name="Første ledige time").click()
    page.locator("#h-slot").wait_for()
    assert page.locator("#step-day .done-text").inner_text().split(" ")[1].rstrip(".") == \
        str(int(first[8:]))
    context.close()


class TestAcrossMonths:
    """From 20 December the 30 days run into January: a month at a time."""

    @pytest.fixture
    def clock(self):
        from datetime import UTC, datetime

        from support import Clock
        return Clock(datetime(2026, 12, 20, 6, 0, tzinfo=UTC))

    def test_month_buttons_and_keys_cross_into_january(self, booking_site, chromium):
        site = booking_site()
        context, page = open_days(chromium, site, 360)
        title = page.locator("#month-title")
        assert title.inner_text().lower() == "desember 2026"
        assert page.get_by_role("button", name="Forrige måned").is_disabled()
        page.get_by_role("button", name="Neste måned").click()
        assert title.inner_text().lower() == "januar 2027"
        shown = page.locator("#days button.day").evaluate_all("bs => bs.map(b => b.dataset.date)")
        assert shown and all(d.startswith("2027-01") for d in shown)
        page.get_by_role("button", name="Forrige måned").click()
        last = page.locator("#days button.day").last
        last.focus()
        page.keyboard.press("ArrowRight")  # the next free day is in January
        assert title.inner_text().lower() == "januar 2027"
        assert page.evaluate("document.activeElement.dataset.date").startswith("2027-01")
        page.keyboard.press("PageUp")
        assert title.inner_text().lower() == "desember 2026"
        assert page.evaluate("document.activeElement.dataset.date").startswith("2026-12")
        context.close()


def test_full_and_closed_days_are_named_and_shown(booking_site, chromium, axe_source, clock,
                                                  artifacts_dir):
    """3 December blocked by staff all day, the 24th closed (Julaften), the 25th a holiday,
    Saturdays closed: each cell says so in its name and on screen, and is no button; the
    block's own reason stays with the staff."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from endpoint.services import blocks
    from endpoint.services.blocks import BlockRequest
    from endpoint.state import of

    site = booking_site()
    oslo = ZoneInfo("Europe/Oslo")
    with site.app.app_context():
        blocks.add_block(of(site.app).registry.get("fjordlegene"), BlockRequest(
            "hansen", datetime(2026, 12, 3, 8, 0, tzinfo=oslo),
            datetime(2026, 12, 3, 16, 0, tzinfo=oslo), "Tannlege"), "staff:kari", clock.now(),
            hooks=of(site.app).hooks)
    context, page = open_days(chromium, site, 360)
    page.screenshot(path=str(artifacts_dir / "day-grid-full-closed-360.png"), full_page=True)
    grid = page.get_by_role("grid")
    names = {
        "3": "torsdag 3. desember, Fullt",
        "5": "lørdag 5. desember, Stengt",
        "24": "torsdag 24. desember, Stengt: Julaften",
        "25": "fredag 25. desember, Stengt: Første juledag",
    }
    for day, name in names.items():
        cell = grid.get_by_role("gridcell", name=name, exact=True)
        assert cell.count() == 1, name
        assert cell.locator("button").count() == 0
        shown = cell.locator("[aria-hidden=true]").all_inner_texts()
        assert shown == [day, name.split(", ")[1].split(":")[0]]
    assert grid.locator("button.day[data-date='2026-12-04']").count() == 1
    assert page.locator("#days .month-notes").inner_text() == (
        "24. des.: Julaften · 25. des.: Første juledag · 26. des.: Andre juledag"
        " · 31. des.: Nyttårsaften")
    assert "Tannlege" not in page.content()
    assert axe(page, axe_source) == []
    context.close()


@pytest.mark.parametrize("width", (360, 1280))
def test_a_day_open_for_other_types_says_the_type_is_not_offered(booking_site, chromium,
                                                                  axe_source, width):
    """Kari Hansen works Fridays, but not with Samtaletime, and no Saturdays: Friday is
    "Ikke tilbudt" (the clinic is open), Saturday "Stengt"."""
    site = booking_site()
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site.page("?calendar=hansen&type=samtale"))
    page.locator("#days button.day").first.wait_for()
    grid = page.get_by_role("grid")
    friday = grid.get_by_role(
        "gridcell", name="fredag 4. desember, timetypen tilbys ikke denne dagen", exact=True)
    saturday = grid.get_by_role("gridcell", name="lørdag 5. desember, Stengt", exact=True)
    assert friday.locator("[aria-hidden=true]").all_inner_texts() == ["4", "Ikke tilbudt"]
    assert saturday.locator("[aria-hidden=true]").all_inner_texts() == ["5", "Stengt"]
    assert "timetypen du har valgt, tilbys ikke disse dagene" in page.locator(
        "#days .month-notes").inner_text()
    assert axe(page, axe_source) == []
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    context.close()
