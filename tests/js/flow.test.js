// The booking flow's state machine (sitegen/templates/assets/flow.js), without a browser:
// events in, state and effects out.
import assert from "node:assert/strict";
import {describe, test} from "node:test";

import {layout, next, start, visible} from "../../sitegen/templates/assets/flow.js";

const CTX = {
  offers: {hansen: ["konsultasjon", "kort"], berg: ["konsultasjon", "samtale"],
           sykepleier: ["vaksine"]},
  calendars: {hansen: {name: "Kari Hansen", title: "Fastlege"},
              berg: {name: "Ole Berg", title: ""}, sykepleier: {name: "Sykepleier", title: ""}},
  types: {konsultasjon: {name: "Konsultasjon"}, kort: {name: "Kort"},
          samtale: {name: "Samtale"}, vaksine: {name: "Vaksine"}},
  preset: {},
  send_names: false,
};
const SLOT_A = {start: "2026-12-03T08:00:00Z", calendar: "hansen"};
const SLOT_B = {start: "2026-12-03T09:00:00Z", calendar: "hansen"};
const DAYS = [{date: "2026-12-02", slots: []}, {date: "2026-12-03", slots: [SLOT_A, SLOT_B]},
              {date: "2026-12-04", slots: [{start: "2026-12-04T08:00:00Z", calendar: "hansen"}]}];
const PATIENT = {id_type: "fnr", national_id: "15108695088", first_name: "Kari",
                 last_name: "Nordmann", phone: "406 12 345", email: "kari@example.no"};

// Deep-frozen: a transition that changed the old state would throw.
function freeze(o) {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    Object.values(o).forEach(freeze);
  }
  return o;
}

// Feed events one after another: → {state, effects (of the last event)}.
function run(ctx, events, query) {
  let out = start(ctx, query);
  for (const e of events) out = next(ctx, freeze(out.state), e);
  return out;
}

const tracked = (effects) => effects.filter((e) => e.type === "track").map((e) => e.name);
const fetches = (effects) => effects.filter((e) => e.type === "fetch_days");
const loaded = (key = "hansen|konsultasjon", days = DAYS) => ({type: "days_loaded", key, days});
const TO_CONFIRM = [{type: "calendar", value: "hansen"}, {type: "type", value: "konsultasjon"},
                    loaded(), {type: "day", date: "2026-12-03"}, {type: "slot", slot: SLOT_A},
                    {type: "details", details: PATIENT}];

describe("start", () => {
  test("opens the first step and tracks booking_init, without moving focus", () => {
    const {state, effects} = start(CTX);
    assert.equal(state.step, "calendar");
    assert.deepEqual(effects, [{type: "track", name: "booking_init", params: {}}]);
  });

  test("a link's calendar and type are locked, and go straight to the days", () => {
    const ctx = {...CTX, preset: {calendar: "berg", type: "samtale"}};
    const {state, effects} = start(ctx);
    assert.equal(state.step, "day");
    assert.deepEqual(state.locked, {calendar: true, type: true});
    assert.deepEqual(fetches(effects), [
      {type: "fetch_days", key: "berg|samtale", calendar: "berg", kind: "samtale"}]);
    assert.equal(state.daysStatus, "loading");
  });

  test("a type offered by one calendar only chooses that calendar for the patient", () => {
    const {state} = start({...CTX, preset: {type: "vaksine"}});
    assert.equal(state.calendar, "sykepleier");
    assert.deepEqual(state.auto, {calendar: true});
    assert.equal(state.step, "day");
    const rows = Object.fromEntries(layout(state).map((r) => [r.id, r]));
    assert.equal(rows.calendar.changeable, false, "made for the patient: no change button");
    assert.equal(rows.type.changeable, false, "the link's: no change button");
  });

  test("the query preselects only what exists, as own properties", () => {
    assert.equal(start(CTX, {calendar: "constructor"}).state.calendar, null);
    assert.equal(start(CTX, {calendar: "hansen", type: "samtale"}).state.type, null,
                 "hansen does not offer samtale");
    const {state} = start(CTX, {calendar: "hansen", type: "kort"});
    assert.equal(state.step, "day");
    assert.deepEqual(state.locked, {}, "a query's choices may be changed");
  });

  test("a type from the query narrows the calendars to those offering it", () => {
    const {state} = start(CTX, {type: "konsultasjon"});
    assert.equal(state.step, "calendar");
    const shown = visible(CTX, state);
    assert.deepEqual([shown.calendars, shown.firstAvailable], [["hansen", "berg"], true]);
  });
});

describe("choosing", () => {
  test("calendar, then type: each tracked, focus to the next step, days fetched", () => {
    let out = run(CTX, [{type: "calendar", value: "hansen"}]);
    assert.equal(out.state.step, "type");
    assert.deepEqual(out.effects, [
      {type: "track", name: "select_calendar", params: {first_available: false}},
      {type: "focus", target: "type"}]);
    assert.deepEqual(visible(CTX, out.state).types, ["konsultasjon", "kort"]);
    out = next(CTX, out.state, {type: "type", value: "kort"});
    assert.equal(out.state.step, "day");
    assert.deepEqual(out.effects, [
      {type: "track", name: "select_type", params: {}},
      {type: "fetch_days", key: "hansen|kort", calendar: "hansen", kind: "kort"},
      {type: "focus", target: "day"}]);
  });

  test("names go into the events only with send_names", () => {
    const ctx = {...CTX, send_names: true};
    let out = run(ctx, [{type: "calendar", value: "berg"}]);
    assert.deepEqual(out.effects[0].params, {first_available: false, calendar_name: "Ole Berg"});
    out = next(ctx, out.state, {type: "type", value: "samtale"});
    assert.deepEqual(out.effects[0].params, {type_name: "Samtale"});
  });

  test("first available offers every calendar's types", () => {
    const {state, effects} = run(CTX, [{type: "calendar", value: ""}]);
    assert.equal(state.calendar, "");
    assert.deepEqual(effects[0].params, {first_available: true});
    assert.ok(visible(CTX, state).types.includes("vaksine"));
  });

  test("a calendar with one type chooses it", () => {
    const {state} = run(CTX, [{type: "calendar", value: "sykepleier"}]);
    assert.equal(state.type, "vaksine");
    assert.deepEqual(state.auto, {type: true});
    assert.equal(state.step, "day");
  });

  test("days: empty days are dropped; a day, a slot and the details lead to confirm", () => {
    let out = run(CTX, TO_CONFIRM.slice(0, 3));
    assert.deepEqual(out.state.days.map((d) => d.date), ["2026-12-03", "2026-12-04"]);
    assert.equal(out.state.daysStatus, "ready");
    assert.deepEqual(out.effects, [], "no focus move when the days arrive");
    out = run(CTX, TO_CONFIRM);
    assert.equal(out.state.step, "confirm");
    assert.equal(out.state.slot, SLOT_A);
    const events = tracked(run(CTX, TO_CONFIRM.slice(0, 4)).effects)
      .concat(tracked(run(CTX, TO_CONFIRM.slice(0, 5)).effects), tracked(out.effects));
    assert.deepEqual(events, ["select_date", "select_slot", "submit_details"]);
  });

  test("no free day: say so; 'change' goes back to the calendar", () => {
    let out = run(CTX, TO_CONFIRM.slice(0, 2).concat(loaded("hansen|konsultasjon", [DAYS[0]])));
    assert.deepEqual(out.state.days, []);
    assert.deepEqual(out.effects, [{type: "say", key: "no_slots"}]);
    out = next(CTX, out.state, {type: "search_again"});
    assert.equal(out.state.step, "calendar");
    assert.equal(out.state.calendar, null);
  });

  test("the endpoint's full and closed days are kept for the grid, none when it sent none", () => {
    const closed = [{date: "2026-12-24", reason: "Julaften"}, {date: "2026-12-26", reason: null}];
    const out = run(CTX, TO_CONFIRM.slice(0, 2).concat(
      {...loaded(), full: ["2026-12-04"], closed}));
    assert.deepEqual(out.state.quiet, {full: ["2026-12-04"], closed});
    assert.deepEqual(run(CTX, TO_CONFIRM.slice(0, 3)).state.quiet, {full: [], closed: []});
  });

  test("no free day on a link with both fixed: no way back", () => {
    const ctx = {...CTX, preset: {calendar: "berg", type: "samtale"}};
    const out = run(ctx, [loaded("berg|samtale", [])]);
    const again = next(ctx, out.state, {type: "search_again"});
    assert.equal(again.state, out.state);
    assert.deepEqual(again.effects, []);
  });

  test("no free day with a fixed calendar: 'change' goes back to the type", () => {
    const ctx = {...CTX, preset: {calendar: "berg"}};
    let out = run(ctx, [{type: "type", value: "samtale"}, loaded("berg|samtale", [])]);
    out = next(ctx, out.state, {type: "search_again"});
    assert.equal(out.state.step, "type");
    assert.equal(out.state.calendar, "berg");
  });
});

describe("the days from the endpoint", () => {
  test("a failed fetch can be tried again", () => {
    let out = run(CTX, TO_CONFIRM.slice(0, 2).concat(
      {type: "days_failed", key: "hansen|konsultasjon", code: "network"}));
    assert.equal(out.state.daysStatus, "failed");
    assert.equal(out.state.daysError, "network");
    out = next(CTX, out.state, {type: "retry_days"});
    assert.equal(out.state.daysStatus, "loading");
    assert.equal(fetches(out.effects).length, 1);
  });

  test("an answer for choices the patient has left is ignored", () => {
    const out = run(CTX, TO_CONFIRM.slice(0, 2).concat(
      {type: "change", step: "type"}, {type: "type", value: "kort"}));
    const stale = next(CTX, out.state, loaded("hansen|konsultasjon"));
    assert.equal(stale.state, out.state);
    assert.deepEqual(stale.effects, []);
  });

  test("days already at hand are not fetched again", () => {
    const out = run(CTX, TO_CONFIRM.slice(0, 4).concat({type: "change", step: "day"}));
    assert.equal(out.state.step, "day");
    assert.deepEqual(fetches(out.effects), []);
  });
});

describe("changing a step", () => {
  test("a new calendar keeps the type when it offers it too", () => {
    let out = run(CTX, TO_CONFIRM.slice(0, 3).concat({type: "change", step: "calendar"}));
    assert.equal(out.state.step, "calendar");
    assert.equal(out.state.type, "konsultasjon");
    assert.equal(out.state.day, null);
    out = next(CTX, out.state, {type: "calendar", value: "berg"});
    assert.equal(out.state.type, "konsultasjon");
    assert.equal(out.state.step, "day");
    out = run(CTX, TO_CONFIRM.slice(0, 3).concat({type: "change", step: "calendar"},
                                                 {type: "calendar", value: "sykepleier"}));
    assert.equal(out.state.type, "vaksine", "not offered: forgotten, then the only one chosen");
  });

  test("another time keeps the details: straight back to confirm", () => {
    let out = run(CTX, TO_CONFIRM.concat({type: "change", step: "slot"}));
    assert.equal(out.state.step, "slot");
    assert.deepEqual(out.state.details, PATIENT);
    out = next(CTX, out.state, {type: "slot", slot: SLOT_B});
    assert.equal(out.state.step, "confirm");
  });

  test("a step that is not done, or fixed, cannot be changed", () => {
    const out = run(CTX, [{type: "calendar", value: "hansen"}]);
    assert.equal(next(CTX, out.state, {type: "change", step: "day"}).state, out.state);
    const ctx = {...CTX, preset: {calendar: "hansen"}};
    const linked = run(ctx, []);
    assert.equal(next(ctx, linked.state, {type: "change", step: "calendar"}).state, linked.state);
  });
});

describe("booking", () => {
  test("confirm posts the booking once", () => {
    const out = run(CTX, TO_CONFIRM.concat({type: "confirm"}));
    assert.equal(out.state.sending, true);
    assert.deepEqual(out.effects, [
      {type: "track", name: "submit_booking", params: {}},
      {type: "post_booking", body: {calendar: "hansen", type: "konsultasjon",
                                    start: "2026-12-03T08:00:00Z", patient: PATIENT}}]);
    const again = next(CTX, out.state, {type: "confirm"});
    assert.equal(again.state, out.state, "a second click while sending does nothing");
    assert.deepEqual(again.effects, []);
  });

  test("201: the receipt, the conversion, and the details forgotten", () => {
    const body = {booking: {id: "b1"}, cancel_token: "t"};
    const out = run(CTX, TO_CONFIRM.concat({type: "confirm"}, {type: "answer", status: 201, body}));
    assert.equal(out.state.step, "receipt");
    assert.equal(out.state.booking, body);
    assert.equal(out.state.details, null);
    assert.equal(out.state.sending, false);
    assert.deepEqual(out.effects, [{type: "track", name: "booking_confirmed", params: {}},
                                   {type: "focus", target: "receipt"}]);
    assert.deepEqual(layout(out.state).filter((r) => r.shown).map((r) => r.id), ["receipt"]);
  });

  const refused = (answer) => run(CTX, TO_CONFIRM.concat({type: "confirm"},
                                                         {type: "answer", ...answer}));

  // [answer, error code, actions (their events), confirm button stays]
  const cases = [
    [{status: 409, body: {code: "slot_unavailable"}}, "slot_unavailable", ["pick_other"], false],
    [{status: 409, body: {code: "booking_deadline"}}, "booking_deadline", ["pick_other"], false],
    [{status: 409, body: {code: "max_self_booked"}}, "max_self_booked", [], false],
    [{status: 429, body: {code: "rate_limited"}}, "rate_limited", [], true],
    [{status: 404, body: {code: "not_found"}}, "not_found", ["reload"], false],
    [{status: 503, body: {code: "internal"}}, "generic", [], false],
    [{status: 400, body: {}}, "generic", ["pick_other"], false],
    [{status: 422, body: {code: "validation", errors: [{field: "start", message: "x"}]}},
     "validation", ["pick_other"], false],
    [{network: true}, "network", [], true],
  ];
  for (const [answer, code, actions, retry] of cases) {
    test(`refused (${JSON.stringify(answer)}): ${code}`, () => {
      const out = refused(answer);
      assert.equal(out.state.step, "confirm");
      assert.equal(out.state.sending, false);
      assert.equal(out.state.error.code, code);
      assert.deepEqual(out.state.error.actions.map((a) => a.event), actions);
      assert.equal(out.state.error.retry, retry);
      assert.deepEqual(out.effects, [
        {type: "track", name: "booking_error", params: {error_code: code}},
        {type: "focus", target: "error"}]);
    });
  }

  test("the patient's fields refused: back to the details, the fields marked", () => {
    const out = refused({status: 422, body: {code: "validation", errors: [
      {field: "patient.id_type", message: "type"}, {field: "patient.phone", message: "phone"},
      {field: "start", message: "not the patient's"}]}});
    assert.equal(out.state.step, "details");
    assert.equal(out.state.details, null);
    assert.deepEqual(out.state.fieldErrors, [{name: "national_id", message: "type"},
                                             {name: "phone", message: "phone"}]);
    assert.deepEqual(out.effects, [
      {type: "focus", target: "field"},
      {type: "track", name: "booking_error", params: {error_code: "validation"}}]);
  });

  test("'pick another time' fetches fresh days and returns to the same day", () => {
    let out = refused({status: 409, body: {code: "slot_unavailable"}});
    out = next(CTX, out.state, {type: "pick_other"});
    assert.equal(out.state.step, "day");
    assert.equal(out.state.error, null);
    assert.equal(fetches(out.effects).length, 1, "fresh times, not the ones at hand");
    out = next(CTX, out.state, loaded("hansen|konsultasjon", [DAYS[1]]));
    assert.equal(out.state.step, "slot");
    assert.equal(out.state.day, "2026-12-03");
    assert.deepEqual(tracked(out.effects), [], "not the patient's choice: no select_date");
    assert.deepEqual(out.state.details, PATIENT, "the details are kept");
  });

  test("'pick another time' when that day is gone: the days", () => {
    let out = refused({status: 409, body: {code: "slot_unavailable"}});
    out = next(CTX, out.state, {type: "pick_other"});
    out = next(CTX, out.state, loaded("hansen|konsultasjon", [DAYS[2]]));
    assert.equal(out.state.step, "day");
  });

  test("'try again' after not_found reloads the page", () => {
    const out = refused({status: 404, body: {code: "not_found"}});
    assert.deepEqual(next(CTX, out.state, {type: "reload"}).effects, [{type: "reload"}]);
  });

  test("an answer when nothing was sent is ignored", () => {
    const out = run(CTX, TO_CONFIRM);
    assert.equal(next(CTX, out.state, {type: "answer", status: 201, body: {}}).state, out.state);
  });
});

describe("events that do not fit the state change nothing", () => {
  const out = run(CTX, [{type: "calendar", value: "hansen"}]);
  const cases = [{type: "calendar", value: "berg"}, {type: "type", value: "vaksine"},
                 {type: "slot", slot: SLOT_A}, {type: "day", date: "2026-12-03"},
                 {type: "details", details: PATIENT}, {type: "confirm"}, {type: "pick_other"},
                 {type: "retry_days"}, {type: "reload"}, {type: "constructor"}, {type: "nope"}];
  for (const e of cases) {
    test(e.type + " " + JSON.stringify(e), () => {
      const after = next(CTX, out.state, e);
      assert.equal(after.state, out.state);
      assert.deepEqual(after.effects, []);
    });
  }
});

test("layout: done steps collapse with a change button, later ones are hidden", () => {
  const {state} = run(CTX, TO_CONFIRM.slice(0, 4));
  assert.deepEqual(layout(state).map((r) => [r.id, r.shown, r.open, r.done, r.changeable]), [
    ["calendar", true, false, true, true], ["type", true, false, true, true],
    ["day", true, false, true, true], ["slot", true, true, false, false],
    ["details", false, false, false, false], ["confirm", false, false, false, false],
    ["receipt", false, false, false, false]]);
});

// docs/patients.md: holds, moves, the confirm step's deadline.
import {clinicInfo, freshTypes, insideDeadline} from "../../sitegen/templates/assets/flow.js";

const INFO = {type: "info", info: {hold_minutes: 5, waitlist: true, days_ahead: 30}};
const TO_SLOT = [INFO, {type: "calendar", value: "hansen"}, {type: "type", value: "konsultasjon"},
                 loaded(), {type: "day", date: "2026-12-03"}];
const HELD = {type: "hold_answer", status: 201, at: 1000, body: {
  hold: {id: "h1", expires_at: "2026-12-01T06:05:00Z"}, hold_token: "ht"}};
const effect = (effects, type) => effects.filter((e) => e.type === type);

describe("holds", () => {
  test("picking a time asks for a hold and waits for it on the same step", () => {
    const out = run(CTX, [...TO_SLOT, {type: "slot", slot: SLOT_A}]);
    assert.equal(out.state.step, "slot");
    assert.equal(out.state.slot, null);
    assert.deepEqual(effect(out.effects, "post_hold"), [{type: "post_hold", body: {
      calendar: "hansen", type: "konsultasjon", start: SLOT_A.start}}]);
    // a second tap while asking changes nothing
    assert.equal(next(CTX, out.state, {type: "slot", slot: SLOT_B}).state, out.state);
  });

  test("without the clinic's info, or with hold_minutes 0, no hold is asked for", () => {
    const off = {type: "info", info: {hold_minutes: 0, waitlist: false, days_ahead: 30}};
    for (const events of [TO_SLOT.slice(1), [off, ...TO_SLOT.slice(1)]]) {
      const out = run(CTX, [...events, {type: "slot", slot: SLOT_A}]);
      assert.equal(out.state.step, "details");
      assert.deepEqual(effect(out.effects, "post_hold"), []);
    }
  });

  test("held: on to the details, counting down from when it was asked, and said once", () => {
    const out = run(CTX, [...TO_SLOT, {type: "slot", slot: SLOT_A}, HELD]);
    assert.equal(out.state.step, "details");
    assert.deepEqual(out.state.slot, SLOT_A);
    assert.equal(out.state.hold.ends, 1000 + 5 * 60000);
    // the endpoint's clock: expires_at less the hold's length, against the page's
    assert.equal(out.state.hold.skew, Date.parse("2026-12-01T06:00:00Z") - 1000);
    assert.deepEqual(effect(out.effects, "say"), [{type: "say", key: "hold_made"}]);
  });

  test("the booking carries the hold's token", () => {
    let out = run(CTX, [...TO_SLOT, {type: "slot", slot: SLOT_A}, HELD,
                        {type: "details", details: PATIENT}]);
    out = next(CTX, out.state, {type: "confirm"});
    assert.equal(effect(out.effects, "post_booking")[0].body.hold_token, "ht");
    out = next(CTX, out.state, {type: "answer", status: 201, body: {booking: {id: "b"}}});
    assert.equal(out.state.hold, null);
  });

  test("going back to pick another time lets the hold go", () => {
    const held = run(CTX, [...TO_SLOT, {type: "slot", slot: SLOT_A}, HELD]).state;
    for (const step of ["slot", "day", "type", "calendar"]) {
      const out = next(CTX, held, {type: "change", step});
      assert.deepEqual(effect(out.effects, "release_hold"),
                       [{type: "release_hold", id: "h1", token: "ht"}], step);
      assert.equal(out.state.hold, null);
    }
    // changing the details keeps it
    let out = next(CTX, held, {type: "details", details: PATIENT});
    out = next(CTX, out.state, {type: "change", step: "details"});
    assert.deepEqual(effect(out.effects, "release_hold"), []);
    assert.equal(out.state.hold.id, "h1");
  });

  test("someone else holds it: fresh times, back on the same day, and a kind notice", () => {
    let out = run(CTX, [...TO_SLOT, {type: "slot", slot: SLOT_A},
                        {type: "hold_answer", status: 409, at: 1, body: {code: "slot_unavailable"}}]);
    assert.equal(out.state.notice, "hold_taken");
    assert.equal(fetches(out.effects).length, 1);
    out = next(CTX, out.state, loaded("hansen|konsultasjon", [DAYS[1]]));
    assert.equal(out.state.step, "slot");
    assert.equal(out.state.day, "2026-12-03");
    assert.equal(out.state.notice, "hold_taken");
  });

  test("too many holds: says so and stays on the times", () => {
    const out = run(CTX, [...TO_SLOT, {type: "slot", slot: SLOT_A},
                          {type: "hold_answer", status: 429, at: 1, body: {code: "rate_limited"}}]);
    assert.equal(out.state.step, "slot");
    assert.equal(out.state.notice, "hold_rate_limited");
    assert.equal(out.state.slot, null);
    assert.deepEqual(fetches(out.effects), []);
  });

  test("holds switched off (404) or no network: on without a hold", () => {
    for (const answer of [{status: 404, body: {code: "not_found"}}, {network: true}]) {
      const out = run(CTX, [...TO_SLOT, {type: "slot", slot: SLOT_A},
                            {type: "hold_answer", at: 1, ...answer}]);
      assert.equal(out.state.step, "details");
      assert.equal(out.state.hold, null);
    }
  });

  test("the hold runs out: the patient picks again, the details are kept, nothing renewed", () => {
    let out = run(CTX, [...TO_SLOT, {type: "slot", slot: SLOT_A}, HELD,
                        {type: "details", details: PATIENT}]);
    out = next(CTX, out.state, {type: "hold_expired", id: "h1"});
    assert.equal(out.state.notice, "hold_expired");
    assert.equal(out.state.hold, null);
    assert.deepEqual(out.state.details, PATIENT);
    assert.deepEqual(effect(out.effects, "post_hold"), []);
    assert.equal(fetches(out.effects).length, 1);
    // a stale timer (another hold) changes nothing
    const again = run(CTX, [...TO_SLOT, {type: "slot", slot: SLOT_A}, HELD]).state;
    assert.equal(next(CTX, again, {type: "hold_expired", id: "old"}).state, again);
  });

  test("a hold that runs out while the booking is sent waits for the answer", () => {
    let out = run(CTX, [...TO_SLOT, {type: "slot", slot: SLOT_A}, HELD,
                        {type: "details", details: PATIENT}, {type: "confirm"}]);
    assert.equal(next(CTX, out.state, {type: "hold_expired", id: "h1"}).state, out.state);
  });
});

describe("moving a booking (ctx.move)", () => {
  const MOVE = {...CTX, move: true, preset: {type: "konsultasjon"}};

  test("no details step: from the time straight to confirm, which PATCHes", () => {
    let out = run(MOVE, [{type: "calendar", value: "hansen"}, loaded(),
                         {type: "day", date: "2026-12-03"}, {type: "slot", slot: SLOT_B}]);
    assert.equal(out.state.step, "confirm");
    out = next(MOVE, out.state, {type: "confirm"});
    assert.deepEqual(out.effects, [{type: "post_move", body: {calendar: "hansen",
                                                               start: SLOT_B.start}}]);
    out = next(MOVE, out.state, {type: "answer", status: 200, body: {booking: {id: "b"}}});
    assert.equal(out.state.step, "receipt");
  });

  test("move_not_allowed and cancellation_deadline offer no other time", () => {
    for (const code of ["move_not_allowed", "cancellation_deadline"]) {
      let out = run(MOVE, [{type: "calendar", value: "hansen"}, loaded(),
                           {type: "day", date: "2026-12-03"}, {type: "slot", slot: SLOT_B},
                           {type: "confirm"}]);
      out = next(MOVE, out.state, {type: "answer", status: 409, body: {code}});
      assert.deepEqual(out.state.error, {code, actions: [], retry: false});
    }
  });
});

test("insideDeadline: too close to cancel or move online", () => {
  const now = Date.parse("2026-12-01T06:00:00Z");
  assert.equal(insideDeadline("2026-12-02T06:00:00Z", 24, now), true);  // exactly 24 h
  assert.equal(insideDeadline("2026-12-02T06:01:00Z", 24, now), false);
  assert.equal(insideDeadline("2026-12-01T07:00:00Z", 0, now), false);
  assert.equal(insideDeadline("2026-12-01T06:00:00Z", null, now), false);
});

test("clinicInfo: holds and the wait list are off unless the endpoint says so", () => {
  assert.deepEqual(clinicInfo({}), {hold_minutes: 0, waitlist: false, days_ahead: 30});
  assert.deepEqual(clinicInfo({hold_minutes: 5, waitlist: true, restrictions: {days_ahead: 60}}),
                   {hold_minutes: 5, waitlist: true, days_ahead: 60});
});

test("a newer clinic file on the endpoint updates the types' words and prices, not the rest", () => {
  const types = {
    kons: {name: "Konsultasjon", duration: 20, price: 279, address: "Torget 1", info: ""},
    kort: {name: "Kort time", duration: 10, price: null, address: "Torget 1", info: "Kom presis."},
  };
  const changed = freshTypes(types, [
    {id: "kons", name: "Konsultasjon", duration: 20, price: 299, address: "Torget 1", info: null},
    {id: "kort", name: "Kort time", duration: 10, price: null, address: "Torget 1", info: "Kom presis."},
    {id: "ny", name: "Ny type", duration: 30, price: 100, address: "Torget 1", info: ""},
  ]);
  assert.deepEqual(changed, ["kons"]);
  assert.equal(types.kons.price, 299);
  assert.equal(types.kons.duration, 20);
  assert.equal(types.ny, undefined);  // a type the page cannot show is not added
  assert.deepEqual(freshTypes(types, []), []);
});

describe("first available, a day with one time", () => {
  const toDay = [{type: "calendar", value: ""}, {type: "type", value: "konsultasjon"},
                 loaded("|konsultasjon")];
  test("picking the day picks its only time: on to the details", () => {
    const out = run(CTX, toDay.concat({type: "day", date: "2026-12-04"}));
    assert.equal(out.state.step, "details");
    assert.equal(out.state.slot.start, "2026-12-04T08:00:00Z");
    assert.deepEqual(tracked(out.effects), ["select_date", "select_slot"]);
    assert.deepEqual(out.effects.filter((e) => e.type === "focus"), [{type: "focus", target: "details"}]);
  });
  test("with holds on, the day asks to hold that time", () => {
    const out = run(CTX, toDay.concat({type: "info", info: {hold_minutes: 5}},
                                      {type: "day", date: "2026-12-04"}));
    assert.equal(out.state.step, "slot");
    assert.equal(out.state.holding.start, "2026-12-04T08:00:00Z");
    assert.deepEqual(out.effects.filter((e) => e.type === "post_hold").length, 1);
  });
  test("a day with two times still shows them", () => {
    const out = run(CTX, toDay.concat({type: "day", date: "2026-12-03"}));
    assert.equal(out.state.step, "slot");
    assert.equal(out.state.slot, null);
  });
  test("a chosen calendar's one-time day still shows the time", () => {
    const out = run(CTX, [{type: "calendar", value: "hansen"}, {type: "type", value: "konsultasjon"},
                          loaded(), {type: "day", date: "2026-12-04"}]);
    assert.equal(out.state.step, "slot");
  });
});
