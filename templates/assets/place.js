/* Where the patient is, for Back, Forward and a reload (docs/site.md), pure: the step and
   its choices, kept with the typed fields (never the national id) and the hold. */

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
