/* Where the patient is, for Back, Forward and a reload (docs/site.md), pure: the step and
   its choices, kept with the typed fields (never the national id) and the hold; and
   goto, flow.js's transition back to a place. Fetched by back.js, not with the page. */

import {daysKey, go, offered, release, STEPS} from "./flow.js";
import {has} from "./format.js";

const V = 1;
export const KEPT = ["id_type", "first_name", "last_name", "phone", "email"];
const str = (x) => typeof x === "string";
const id = (x) => x === null || str(x);

// flow.js's state → {step, calendar, type, typeFirst, day, slot: {calendar, start} | null}
export const placeOf = (s) => ({
  step: s.step, calendar: s.calendar, type: s.type, typeFirst: !!s.typeFirst, day: s.day,
  slot: s.slot ? {calendar: s.slot.calendar, start: s.slot.start} : null});

// a place read back: null unless it has placeOf's shape
export function checked(p) {
  const t = p && p.slot;
  return p && str(p.step) && id(p.calendar) && id(p.type) &&
    (p.day === null || (str(p.day) && /^\d{4}-\d\d-\d\d$/.test(p.day))) &&
    (t === null || (t && str(t.calendar) && str(t.start)))
    ? placeOf({...p, typeFirst: p.typeFirst === true}) : null;
}

// history.state: the place, the entry's index among the page's own, and the booking's run
// (one per booking begun in the tab: a booking made, its entries are not gone back to)
export const entry = (place, at, run) => ({ledig: V, at, run, place});

export function entryOf(st) {
  const p = st && st.ledig === V && Number.isInteger(st.at) && checked(st.place);
  return p ? {at: st.at, run: st.run, place: p} : null;
}

// sessionStorage's text: the place, the KEPT fields, the hold's {id, token}, the run
export function keep(place, values, hold, version, run) {
  const fields = {};
  KEPT.forEach((k) => { if (str(values[k])) fields[k] = values[k]; });
  return JSON.stringify({v: V, version, run, place, fields,
                         hold: hold ? {id: hold.id, token: hold.token} : null});
}

// → {place (null at the receipt), fields, hold, run}; null: none, broken, another build's
export function kept(text, version) {
  let o;
  try { o = JSON.parse(text); } catch { return null; }
  if (!o || o.v !== V || o.version !== version || !str(o.run)) return null;
  const p = checked(o.place), h = o.hold, f = JSON.parse(keep(null, o.fields || {})).fields;
  return {place: p && p.step !== "receipt" ? p : null, fields: f, run: o.run,
          hold: h && str(h.id) && str(h.token) ? h : null};
}

// Back, Forward or a reload: flow.js's state at `place` again, its choices made where they
// still fit; `details`: the form's, for the confirm step. → {state, effects, wait}: `wait`,
// the place's day is on its way (fetch_days): goto again when the days are in. The same
// time as held still keeps its hold; else it is let go of and asked for again. A day or
// time gone (past, full, taken) opens its step with the notice place_gone. The receipt, a
// booking or a hold on its way: nothing changes.
export function goto(ctx, state, place, details) {
  const p = place, at = STEPS.indexOf(p.step), s = {...state}, t = s.slot;
  if (at < 0 || at > 5 || s.step === "receipt" || s.sending || s.holding) {
    return {state, effects: []};
  }
  if (!s.locked.calendar && !s.auto.calendar) {
    s.calendar = p.calendar === "" || has(ctx.offers, p.calendar) ? p.calendar : null;
  }
  if (!s.locked.type) {
    s.typeFirst = p.typeFirst;
    s.type = offered(ctx, s.calendar).includes(p.type) ? p.type : null;
    s.auto = s.auto.calendar ? {calendar: true} : {};
    // an only type: go() makes it again
    if (s.calendar !== null && new Set(offered(ctx, s.calendar)).size === 1) s.type = null;
  }
  const effects = [], want = at > 3 && p.slot;
  if (!(want && t && t.calendar === want.calendar && t.start === want.start)) release(s, effects);
  s.day = s.slot = s.wantDay = s.notice = s.error = null;
  if (!ctx.move) s.details = at > 4 ? details || null : null;
  const out = go(ctx, s, effects, true);
  if (at < 3 || !p.day) return out;
  if (!s.days || s.daysKey !== daysKey(s)) return {...out, wait: true};
  const day = s.days.find((d) => d.date === p.day && d.slots.length);
  const slot = day && want && day.slots.find((x) => x.calendar === want.calendar &&
                                              x.start === want.start);
  if (!day || (want && !slot)) s.notice = "place_gone";
  if (day) s.day = day.date;
  if (slot && s.hold) s.slot = slot;
  const fx = effects.filter((f) => f.type !== "focus");
  if (!slot || s.slot || !(s.info && s.info.hold_minutes > 0)) {
    if (slot) s.slot = slot;
    return go(ctx, s, fx, true);
  }
  const held = go(ctx, s, fx, true);
  s.holding = slot;
  held.effects.push({type: "post_hold", body: {calendar: slot.calendar, type: s.type,
                                               start: slot.start}});
  return held;
}
