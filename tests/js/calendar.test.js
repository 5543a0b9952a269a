// The day picker's month grid and keys (sitegen/templates/assets/calendar.js).
import assert from "node:assert/strict";
import {describe, test} from "node:test";

import {dayStates, hasOtherTypes, move, months, reasonRuns, weekday, weeks} from "../../sitegen/templates/assets/calendar.js";

describe("weeks", () => {
  test("December 2026 starts on a Tuesday and has five weeks from Monday", () => {
    const w = weeks("2026-12");
    assert.equal(w.length, 5);
    assert.deepEqual(w[0], [null, "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04",
                            "2026-12-05", "2026-12-06"]);
    assert.deepEqual(w[4], ["2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", null, null, null]);
  });
  test("February 2027 (Monday the 1st) fills four weeks exactly", () => {
    assert.equal(weeks("2027-02").length, 4);
    assert.equal(weeks("2027-02")[0][0], "2027-02-01");
    assert.equal(weekday("2027-02-07"), 6);
  });
});

describe("months", () => {
  test("from the first free day's month to the last's, over a new year", () => {
    assert.deepEqual(months(["2026-12-30", "2027-02-02"]), ["2026-12", "2027-01", "2027-02"]);
    assert.deepEqual(months(["2026-12-03"]), ["2026-12"]);
    assert.deepEqual(months([]), []);
  });
});

describe("move", () => {
  const free = ["2026-12-02", "2026-12-03", "2026-12-07", "2026-12-10", "2026-12-17", "2027-01-04"];
  test("arrows go to the next free day, or a week on to the next free one", () => {
    assert.equal(move(free, "2026-12-03", "ArrowRight"), "2026-12-07");
    assert.equal(move(free, "2026-12-07", "ArrowLeft"), "2026-12-03");
    assert.equal(move(free, "2026-12-03", "ArrowDown"), "2026-12-10");
    assert.equal(move(free, "2026-12-17", "ArrowUp"), "2026-12-10");
    assert.equal(move(free, "2026-12-02", "ArrowLeft"), null);
    assert.equal(move(free, "2027-01-04", "ArrowRight"), null);
  });
  test("Home and End stay in the week (Monday to Sunday)", () => {
    assert.equal(move(free, "2026-12-03", "Home"), "2026-12-02");
    assert.equal(move(free, "2026-12-02", "End"), "2026-12-03");
    assert.equal(move(free, "2026-12-07", "End"), "2026-12-10");
    assert.equal(move(free, "2026-12-17", "Home"), "2026-12-17");
  });
  test("Page Down and Up change month", () => {
    assert.equal(move(free, "2026-12-10", "PageDown"), "2027-01-04");
    assert.equal(move(free, "2027-01-04", "PageUp"), "2026-12-17");
    assert.equal(move(free, "2026-12-03", "Enter"), null);
  });
});

describe("dayStates and reasonRuns", () => {
  const states = dayStates({
    full: ["2026-12-03"],
    closed: [{date: "2026-12-05", reason: null}, {date: "2026-12-24", reason: "Julaften"},
             {date: "2026-12-25", reason: "Første juledag"}, {date: "2026-12-31", reason: "Stengt"},
             {date: "2027-07-05", reason: "Sommerferie"}, {date: "2027-07-06", reason: "Sommerferie"},
             {date: "2027-07-07", reason: "Sommerferie"}, {date: "2027-07-09", reason: "Sommerferie"},
             {date: "__proto__", reason: "<b>x</b>"}],
  });
  test("full days, closed days with their reason or none", () => {
    assert.deepEqual(states.get("2026-12-03"), {state: "full", reason: ""});
    assert.deepEqual(states.get("2026-12-05"), {state: "closed", reason: ""});
    assert.deepEqual(states.get("2026-12-24"), {state: "closed", reason: "Julaften"});
    assert.equal(states.get("2026-12-04"), undefined);
    assert.equal(dayStates(undefined).size, 0, "an older endpoint sends neither");
  });
  test("a month's reasons, days in a row with the same reason as one run", () => {
    assert.deepEqual(reasonRuns(states, "2026-12"), [
      {from: "2026-12-24", to: "2026-12-24", reason: "Julaften"},
      {from: "2026-12-25", to: "2026-12-25", reason: "Første juledag"},
      {from: "2026-12-31", to: "2026-12-31", reason: "Stengt"}]);
    assert.deepEqual(reasonRuns(states, "2027-07"), [
      {from: "2027-07-05", to: "2027-07-07", reason: "Sommerferie"},
      {from: "2027-07-09", to: "2027-07-09", reason: "Sommerferie"}]);
    assert.deepEqual(reasonRuns(states, "2027-01"), []);
  });
  test("a day open for other types only is its own state, with its month", () => {
    const others = dayStates({full: [], closed: [
      {date: "2026-12-04", reason: null, other_types: true},
      {date: "2026-12-05", reason: null, other_types: false}]});
    assert.deepEqual(others.get("2026-12-04"), {state: "other", reason: ""});
    assert.deepEqual(others.get("2026-12-05"), {state: "closed", reason: ""});
    assert.equal(hasOtherTypes(others, "2026-12"), true);
    assert.equal(hasOtherTypes(others, "2027-01"), false);
    assert.equal(hasOtherTypes(states, "2026-12"), false);
  });
});
