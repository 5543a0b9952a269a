// Back, Forward and a reload without a browser: what place.js keeps of the flow, and its
// goto, the flow's transition back to a place.
import assert from "node:assert/strict";
import {describe, test} from "node:test";

import {next, start} from "../../sitegen/templates/assets/flow.js";
import {checked, entry, entryOf, goto as to, keep, kept, placeOf}
  from "../../sitegen/templates/assets/place.js";

const CTX = {
  offers: {hansen: ["konsultasjon", "kort"], berg: ["konsultasjon", "samtale"],
           sykepleier: ["vaksine"]},
  calendars: {hansen: {name: "Kari Hansen"}, berg: {name: "Ole Berg"},
              sykepleier: {name: "Sykepleier"}},
  types: {konsultasjon: {name: "Konsultasjon"}, kort: {name: "Kort"},
          samtale: {name: "Samtale"}, vaksine: {name: "Vaksine"}},
  preset: {},
};
const SLOT_A = {start: "2026-12-03T08:00:00Z", calendar: "hansen"};
const SLOT_B = {start: "2026-12-03T09:00:00Z", calendar: "hansen"};
const DAYS = [{date: "2026-12-03", slots: [SLOT_A, SLOT_B]},
              {date: "2026-12-04", slots: [{start: "2026-12-04T08:00:00Z", calendar: "hansen"}]}];
const ID = "15108695088";
const PATIENT = {id_type: "fnr", national_id: ID, first_name: "Kari", last_name: "Nordmann",
                 phone: "406 12 345", email: "kari@example.no"};
const loaded = (days = DAYS, key = "hansen|konsultasjon") => ({type: "days_loaded", key, days});
const HOLDS = {type: "info", info: {hold_minutes: 5, waitlist: false, days_ahead: 30}};
const HELD = {type: "hold_answer", status: 201, at: 1000,
              body: {hold: {id: "h1", expires_at: "2026-12-01T06:05:01Z"}, hold_token: "tok"}};

function run(ctx, events, query) {
  let out = start(ctx, query);
  for (const e of events) out = next(ctx, out.state, e);
  return out;
}

// the flow to the confirm step, holds on, the time held; and each step's place on the way
function toConfirm() {
  const places = [];
  let out = start(CTX);
  const steps = [HOLDS, {type: "calendar", value: "hansen"}, {type: "type", value: "konsultasjon"},
                 loaded(), {type: "day", date: "2026-12-03"}, {type: "slot", slot: SLOT_B}, HELD,
                 {type: "details", details: PATIENT}];
  places.push(placeOf(out.state));
  for (const e of steps) {
    const before = out.state.step;
    out = next(CTX, out.state, e);
    if (out.state.step !== before) places.push(placeOf(out.state));
  }
  return {out, places};
}

const types = (effects) => effects.map((e) => e.type);
// Deep-frozen: a goto that changed the state it was given would throw.
function freeze(o) {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    Object.values(o).forEach(freeze);
  }
  return o;
}
const goto = (state, place, details = null) => to(CTX, freeze(state), place, details);

describe("place.js", () => {
  test("a place is the step and its choices, the slot by calendar and start only", () => {
    const {out} = toConfirm();
    assert.deepEqual(placeOf(out.state), {
      step: "confirm", calendar: "hansen", type: "konsultasjon", typeFirst: false,
      day: "2026-12-03", slot: {calendar: "hansen", start: "2026-12-03T09:00:00Z"}});
  });

  test("history and storage never hold the national id", () => {
    const {out} = toConfirm();
    const text = JSON.stringify(entry(placeOf(out.state), 5, "r1")) +
      keep(placeOf(out.state), PATIENT, out.state.hold, "v1", "r1");
    assert.ok(!text.includes(ID) && !text.includes("151086") && !text.includes("95088"), text);
    assert.ok(text.includes("Nordmann") && text.includes("406 12 345"), "the contact fields kept");
  });

  test("storage keeps the fields, the place and the hold to let go of", () => {
    const {out} = toConfirm();
    const back = kept(keep(placeOf(out.state), PATIENT, out.state.hold, "v1", "r1"), "v1");
    assert.deepEqual(back.fields, {id_type: "fnr", first_name: "Kari", last_name: "Nordmann",
                                   phone: "406 12 345", email: "kari@example.no"});
    assert.deepEqual(back.hold, {id: "h1", token: "tok"});
    assert.equal(back.place.step, "confirm");
    assert.equal(back.run, "r1");
  });

  test("another build, another format, broken text or the receipt: nothing to go back to", () => {
    const p = {step: "day", calendar: "hansen", type: "kort", typeFirst: false, day: null,
               slot: null};
    assert.equal(kept(keep(p, {}, null, "v1", "r1"), "v2"), null);
    assert.equal(kept(keep(p, {}, null, "v1"), "v1"), null, "no run");
    assert.equal(kept(JSON.stringify({v: 2, version: "v1", place: p}), "v1"), null);
    assert.equal(kept("{not json", "v1"), null);
    assert.equal(kept(null, "v1"), null);
    assert.equal(kept(keep({...p, step: "receipt"}, {}, null, "v1", "r1"), "v1").place, null);
    assert.equal(kept(keep(p, {national_id: ID, phone: 4}, {id: 1}, "v1", "r1"), "v1").hold,
                 null);
    assert.deepEqual(kept(keep(p, {national_id: ID, phone: 4}, null, "v1", "r1"), "v1").fields,
                     {});
  });

  test("a place of another shape is refused", () => {
    const p = {step: "slot", calendar: "hansen", type: "kort", typeFirst: false,
               day: "2026-12-03", slot: null};
    assert.deepEqual(checked(p), p);
    assert.equal(checked({...p, day: "3. desember"}), null);
    assert.equal(checked({...p, day: ["2026-12-03"]}), null);
    assert.equal(checked({...p, calendar: 7}), null);
    assert.equal(checked({...p, slot: {start: "x"}}), null);
    assert.equal(checked({...p, step: undefined}), null);
    assert.equal(entryOf(null), null);
    assert.equal(entryOf({at: 1, place: p}), null, "not ours");
    assert.equal(entryOf({ledig: 1, at: "1", place: p}), null);
    assert.deepEqual(entryOf(entry(p, 3, "r1")), {at: 3, run: "r1", place: p});
  });
});

describe("goto", () => {
  test("Back walks the steps, every choice kept up to the step", () => {
    const {out, places} = toConfirm();
    assert.deepEqual(places.map((p) => p.step),
                     ["calendar", "type", "day", "slot", "details", "confirm"]);
    // back to the details: the time stays held, the details are typed again (the form keeps them)
    let r = goto(out.state, places[4]);
    assert.equal(r.state.step, "details");
    assert.equal(r.state.slot, SLOT_B);
    assert.equal(r.state.hold.id, "h1");
    assert.deepEqual(types(r.effects), ["focus"]);
    // back to the times: the hold is let go of, the day kept
    r = goto(r.state, places[3]);
    assert.equal(r.state.step, "slot");
    assert.equal(r.state.day, "2026-12-03");
    assert.equal(r.state.hold, null);
    assert.deepEqual(r.effects, [{type: "release_hold", id: "h1", token: "tok"},
                                 {type: "focus", target: "slot"}]);
    r = goto(r.state, places[2]);
    assert.deepEqual([r.state.step, r.state.day], ["day", null]);
    assert.deepEqual(types(r.effects), ["focus"], "the days at hand are not fetched again");
    r = goto(r.state, places[1]);
    assert.deepEqual([r.state.step, r.state.calendar, r.state.type], ["type", "hansen", null]);
    r = goto(r.state, places[0]);
    assert.deepEqual([r.state.step, r.state.calendar], ["calendar", null]);
  });

  test("Forward asks for the same time again, and is back where it was", () => {
    const {out, places} = toConfirm();
    let r = goto(out.state, places[3]);  // the times, hold let go of
    r = goto(r.state, places[5], PATIENT);
    assert.equal(r.state.step, "slot");
    assert.equal(r.state.holding, SLOT_B);
    assert.deepEqual(r.effects.at(-1), {type: "post_hold", body: {
      calendar: "hansen", type: "konsultasjon", start: "2026-12-03T09:00:00Z"}});
    assert.ok(!types(r.effects).includes("track"), "a way back is no new choice to count");
    r = next(CTX, r.state, {...HELD, body: {...HELD.body, hold: {id: "h2"}}});
    assert.equal(r.state.step, "confirm");
    assert.equal(r.state.details, PATIENT);
    assert.equal(r.state.hold.id, "h2");
  });

  test("Forward to the confirm step without valid details opens the details", () => {
    const {out, places} = toConfirm();
    const r = goto(goto(out.state, places[4]).state, places[5], null);
    assert.equal(r.state.step, "details");
  });

  test("a time no longer free lands on its day's times, saying so", () => {
    const {out, places} = toConfirm();
    let r = goto(out.state, places[1]);
    r = next(CTX, r.state, {type: "type", value: "kort"});
    r = next(CTX, r.state, loaded(DAYS, "hansen|kort"));
    // Forward again: the days are fetched again, and someone took the time meanwhile
    r = goto(r.state, places[5], PATIENT);
    assert.deepEqual(types(r.effects), ["fetch_days", "focus"]);
    assert.equal(r.wait, true, "the page goes to the place again once the days are in");
    r = next(CTX, r.state, loaded([{date: "2026-12-03", slots: [SLOT_A]}, DAYS[1]]));
    r = goto(r.state, places[5], PATIENT);
    assert.deepEqual([r.state.step, r.state.day, r.state.notice],
                     ["slot", "2026-12-03", "place_gone"]);
    assert.deepEqual(r.effects, [{type: "focus", target: "slot"}]);
  });

  test("a day gone (past, or full) lands on the days, saying so", () => {
    const {places} = toConfirm();
    let r = run(CTX, [HOLDS]);
    r = goto(r.state, places[4]);  // a reload: the days are fetched first
    assert.deepEqual(r.effects.map((e) => e.type), ["fetch_days", "focus"]);
    assert.equal(r.state.step, "day");
    r = goto(next(CTX, r.state, loaded([DAYS[1]])).state, places[4]);
    assert.deepEqual([r.state.step, r.state.day, r.state.notice], ["day", null, "place_gone"]);
  });

  test("a reload with holds off goes on to the details with no hold", () => {
    const {places} = toConfirm();
    const r = goto(next(CTX, goto(start(CTX).state, places[4]).state, loaded()).state,
                   places[4]);
    assert.deepEqual([r.state.step, r.state.slot, r.state.hold], ["details", SLOT_B, null]);
  });

  test("a calendar or type that is gone is chosen again", () => {
    const place = {step: "day", calendar: "lund", type: "kort", typeFirst: false, day: null,
                   slot: null};
    assert.equal(goto(start(CTX).state, place).state.step, "calendar");
    const r = goto(start(CTX).state, {...place, calendar: "berg"});
    assert.deepEqual([r.state.step, r.state.calendar, r.state.type], ["type", "berg", null]);
  });

  test("a link's locked choices and an only choice stay as they are", () => {
    const ctx = {...CTX, preset: {calendar: "berg", type: "samtale"}};
    const place = {step: "calendar", calendar: null, type: null, typeFirst: false, day: null,
                   slot: null};
    const r = goto(run(ctx, [loaded(DAYS, "berg|samtale")]).state, place);
    assert.deepEqual([r.state.step, r.state.calendar, r.state.type], ["day", "berg", "samtale"]);
    const one = {...CTX, offers: {sykepleier: ["vaksine"]}};
    const s = goto(start(one).state, {...place, step: "day", calendar: "sykepleier",
                                      type: "vaksine"}).state;
    assert.deepEqual([s.step, s.auto], ["day", {calendar: true, type: true}]);
  });

  test("the receipt, a booking or a hold on its way: goto changes nothing", () => {
    const {out, places} = toConfirm();
    const sending = next(CTX, out.state, {type: "confirm"}).state;
    assert.equal(goto(sending, places[2]).state, sending);
    const done = next(CTX, sending, {type: "answer", status: 201, body: {booking: {}}}).state;
    assert.equal(done.step, "receipt");
    assert.equal(goto(done, places[2]).state, done);
    const asking = run(CTX, [HOLDS, {type: "calendar", value: "hansen"},
                             {type: "type", value: "konsultasjon"}, loaded(),
                             {type: "day", date: "2026-12-03"}, {type: "slot", slot: SLOT_A}]);
    assert.equal(goto(asking.state, places[2]).state, asking.state);
    assert.equal(goto(out.state, {...places[2], step: "receipt"}).state, out.state);
  });
});
