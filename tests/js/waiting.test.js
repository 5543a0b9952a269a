// The wait list's pure logic (sitegen/templates/assets/waiting.js).
import assert from "node:assert/strict";
import {test} from "node:test";

import {addDays, entryPath, offerView, parseOffer, rangeError, today}
  from "../../sitegen/templates/assets/waiting.js";

test("today is the clinic's calendar day, not the browser's", () => {
  const late = new Date("2026-12-01T23:30:00Z");  // 00:30 on the 2nd in Oslo
  assert.equal(today("Europe/Oslo", late), "2026-12-02");
  assert.equal(today("UTC", late), "2026-12-01");
  assert.equal(addDays("2026-12-30", 3), "2027-01-02");
  assert.equal(addDays("2027-03-27", 1), "2027-03-28");  // over the change to summer time
});

test("the date range: from today, to at most the last bookable day, in order", () => {
  const r = (from, to) => rangeError(from, to, "2026-12-01", "2026-12-31");
  assert.equal(r("2026-12-01", "2026-12-31"), "");
  assert.equal(r("2026-12-05", "2026-12-05"), "");
  assert.equal(r("2026-11-30", "2026-12-05"), "waitlist_bad_range");
  assert.equal(r("2026-12-05", "2027-01-01"), "waitlist_bad_range");
  assert.equal(r("2026-12-06", "2026-12-05"), "waitlist_bad_range");
  assert.equal(r("", "2026-12-05"), "required");
});

test("the offer's fragment: #id=…&token=…", () => {
  assert.deepEqual(parseOffer("id=w1&token=abc"), {id: "w1", token: "abc"});
  assert.equal(parseOffer("id=w1"), null);
  assert.equal(parseOffer(""), null);
  assert.equal(entryPath("a/b"), "/waitlist/a%2Fb");
});

test("what the offer page shows", () => {
  const slot = {calendar: "hansen", start: "2026-12-03T08:00:00+01:00"};
  const ok = (body) => offerView({status: 200, body});
  const gone = {...slot, start: "2026-12-03T09:00:00+01:00", available: false};
  assert.deepEqual(ok({entry: {status: "waiting"}, offers: [slot, gone]}).slots, [slot]);
  assert.equal(ok({entry: {status: "waiting"}, offers: [slot]}).say, null);
  assert.equal(ok({entry: {status: "waiting"}, offers: [gone]}).say, "offer_none");
  assert.equal(ok({entry: {status: "booked"}, offers: []}).say, "offer_ended");
  assert.equal(offerView({status: 404, body: {code: "not_found"}}).say, "offer_not_found");
  assert.equal(offerView({status: 429, body: {code: "rate_limited"}}).error, "rate_limited");
});

test("an entry that has ended offers no time to book, even one still free", () => {
  const slot = {calendar: "hansen", start: "2026-12-03T08:00:00+01:00"};
  const view = offerView({status: 200, body: {entry: {status: "booked"}, offers: [slot]}});
  assert.deepEqual([view.say, view.slots], ["offer_ended", []]);
});
