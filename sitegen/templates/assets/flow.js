/* The booking flow as a state machine, with no DOM in it (docs/site.md).
   start(ctx, query) and next(ctx, state, event) → {state, effects}: a new state
   (the old one is left alone) and what the page must do, in order: track,
   fetch_days, post_hold, release_hold, post_booking (post_move), focus, say, reload.
   booking.js shows the state, runs
   the effects and feeds their answers back as events; an event that does not
   fit the state (a stale answer, a second click) changes nothing.
   ctx: {offers, calendars, types, preset, send_names} from the page's config.
   State: the step; the choices calendar ("" = first available), type, day,
   slot, details (null until made); locked (a link's) and auto (the only one)
   choices; the days and their status (idle, loading, ready, failed); sending;
   the confirm step's error {code, actions, retry}; fieldErrors; booking; the clinic's
   info; the hold {id, token, ends, skew}, holding (the slot asked for); notice (a key).
   ctx.move (the cancel page): no details step, confirm PATCHes. */

import {has} from "./format.js";

export const STEPS = ["calendar", "type", "day", "slot", "details", "confirm", "receipt"];

// The types a calendar offers; for none or "first available", those of them all.
export function offered(ctx, cal) {
  if (cal) return has(ctx.offers, cal) ? ctx.offers[cal] : [];
  return [].concat(...Object.values(ctx.offers));
}

export function calendarsFor(ctx, type) {
  return Object.keys(ctx.offers).filter((c) => !type || ctx.offers[c].includes(type));
}

// Which choices the page lists: {calendars, firstAvailable, types}.
export function visible(ctx, s) {
  const calendars = calendarsFor(ctx, s.typeFirst ? s.type : null);
  return {calendars, firstAvailable: calendars.length > 1, types: offered(ctx, s.calendar)};
}

// How each step's section looks: shown at all, its body open, its "done" line shown,
// and whether that line has a "change" button.
export function layout(s) {
  const at = STEPS.indexOf(s.step), receipt = s.step === "receipt";
  return STEPS.map((id, i) => ({
    id, active: i === at, complete: i < at,
    shown: receipt ? id === "receipt" : i <= at,
    open: i === at,
    done: !receipt && i < at,
    changeable: !receipt && i < at && !s.locked[id] && !s.auto[id],
  }));
}

// With no free time: may the patient go back and choose another calendar or type?
export function canSearchAgain(s) { return !(s.locked.type && s.locked.calendar); }

export function daysKey(s) { return s.calendar + "|" + s.type; }

export function dayOf(s) { return (s.days || []).find((d) => d.date === s.day) || null; }

// Refusals that another time would not help.
const FINAL = {max_self_booked: true, rate_limited: true, cancellation_deadline: true,
               move_not_allowed: true};

// GET /clinics/<slug> → what the pages need of it (a key missing: the feature is off).
export function clinicInfo(b) {
  return {hold_minutes: Number(b.hold_minutes) || 0, waitlist: b.waitlist === true,
          days_ahead: (b.restrictions || {}).days_ahead || 30};
}

// The endpoint serves a newer clinic file than the page was built from: its types'
// names, prices, places and info win (times always come live). The changed types' ids.
export function freshTypes(types, current) {
  const changed = [];
  (current || []).forEach((t) => {
    const k = types[t.id];
    if (!k) return;
    const now = {name: t.name, price: t.price == null ? null : t.price,
                 address: t.address || "", info: t.info || ""};
    if (Object.keys(now).some((f) => (k[f] == null ? null : k[f]) !== now[f])) {
      Object.assign(k, now);
      changed.push(t.id);
    }
  });
  return changed;
}

const holdsOn = (s) => !!(s.info && s.info.hold_minutes > 0);

// Is a time that starts at `start` already too close to cancel or move online?
export function insideDeadline(start, hours, now) {
  return hours != null && Date.parse(start) - hours * 3600000 <= now;
}

const track = (name, params = {}) => ({type: "track", name, params});
const focus = (target) => ({type: "focus", target});

export function start(ctx, query = {}) {
  const s = {step: null, calendar: null, type: null, day: null, slot: null, details: null,
             locked: {}, auto: {}, typeFirst: false, days: null, daysKey: null,
             daysStatus: "idle", daysError: null, wantDay: null, sending: false,
             error: null, fieldErrors: [], booking: null, info: null, hold: null,
             holding: null, notice: null};
  if (ctx.move) s.details = {};
  const preset = ctx.preset || {};
  // A link's choices are locked; ?calendar=&type= preselect, and may be changed.
  if (preset.calendar) { s.calendar = preset.calendar; s.locked.calendar = true; }
  else if (query.calendar && has(ctx.offers, query.calendar)) s.calendar = query.calendar;
  if (preset.type) { s.type = preset.type; s.locked.type = true; }
  else if (query.type && has(ctx.types, query.type) &&
           offered(ctx, s.calendar).includes(query.type)) s.type = query.type;
  s.typeFirst = s.type !== null;
  return go(ctx, s, [track("booking_init")], false);
}

// The next step after a change: make the only possible choices, open the first step
// still to do, and fetch its days when they are not at hand. (Also place.js's goto.)
export function go(ctx, s, effects, moveFocus) {
  const v = visible(ctx, s);
  if (s.calendar === null && v.calendars.length === 1) {
    s.calendar = v.calendars[0];
    s.auto = {...s.auto, calendar: true};
  }
  if (s.type === null && s.calendar !== null) {
    const types = [...new Set(offered(ctx, s.calendar))];
    if (types.length === 1) { s.type = types[0]; s.auto = {...s.auto, type: true}; }
  }
  s.step = ["calendar", "type", "day", "slot", "details"].find((k) => s[k] === null) || "confirm";
  if (s.step === "day") {
    if (s.daysKey === daysKey(s) && s.days) {
      if (!s.days.length) effects.push({type: "say", key: "no_slots"});
    } else {
      loadDays(s, effects);
    }
  }
  if (s.step === "confirm") s.error = null;
  if (moveFocus) effects.push(focus(s.step));
  return {state: s, effects};
}

function loadDays(s, effects) {
  s.days = null;
  s.daysStatus = "loading";
  s.daysError = null;
  effects.push({type: "fetch_days", key: daysKey(s), calendar: s.calendar, kind: s.type});
}

// Going back to a step forgets it and what depends on it. The type survives a new
// calendar that offers it too, a link's fixed choices survive everything, and the
// details are kept (no typing them again after changing the time).
function reset(s, step) {
  const at = STEPS.indexOf(step);
  if (at <= 0) s.calendar = null;
  if (at === 1 && !s.locked.type) { s.type = null; s.typeFirst = false; }
  if (at <= 3) s.slot = null;
  if (at <= 2) s.day = null;
  if (step === "details") s.details = null;
  s.notice = null;
  s.auto = {...s.auto};
  STEPS.slice(at).forEach((k) => delete s.auto[k]);
}

// Let go of the held time (the patient picks another, or it was refused).
export function release(s, effects) {
  if (s.hold) effects.push({type: "release_hold", id: s.hold.id, token: s.hold.token});
  s.hold = null;
  return effects;
}

// Fresh days, back on the same day when it still has free times.
function pickAgain(ctx, s, effects, notice) {
  s.wantDay = s.day;
  s.day = s.slot = null;
  s.daysKey = null;
  s.error = null;
  s.notice = notice;
  return go(ctx, s, effects, true);
}

// Each handler changes its copy `s` and returns the effects, or null to ignore the event.
const on = {
  calendar(ctx, s, e) {
    if (s.step !== "calendar" || (e.value !== "" && !has(ctx.offers, e.value))) return null;
    s.calendar = e.value;
    if (!s.locked.type && !offered(ctx, s.calendar).includes(s.type)) s.type = null;
    s.day = s.slot = null;
    const p = {first_available: s.calendar === ""};
    if (ctx.send_names && s.calendar) p.calendar_name = ctx.calendars[s.calendar].name;
    return go(ctx, s, [track("select_calendar", p)], true);
  },
  type(ctx, s, e) {
    if (s.step !== "type" || !offered(ctx, s.calendar).includes(e.value)) return null;
    s.type = e.value;
    s.day = s.slot = null;
    return go(ctx, s, [track("select_type", ctx.send_names ? {type_name: ctx.types[s.type].name}
      : {})], true);
  },
  change(ctx, s, e) {
    const row = layout(s).find((r) => r.id === e.step);
    if (!row || !row.changeable) return null;
    reset(s, e.step);
    return go(ctx, s, STEPS.indexOf(e.step) <= 3 ? release(s, []) : [], true);
  },
  info(ctx, s, e) {
    s.info = e.info;
    return [];
  },
  days_loaded(ctx, s, e) {
    if (e.key !== daysKey(s) || s.daysStatus !== "loading") return null;
    s.days = e.days.filter((d) => d.slots.length);
    // the grid's full and closed days
    s.quiet = {full: e.full || [], closed: e.closed || []};
    s.daysKey = e.key;
    s.daysStatus = "ready";
    const want = s.wantDay;
    s.wantDay = null;
    if (s.step === "day" && want && s.days.some((d) => d.date === want)) {
      s.day = want;
      return go(ctx, s, [], true);
    }
    return s.days.length ? [] : [{type: "say", key: "no_slots"}];
  },
  days_failed(ctx, s, e) {
    if (e.key !== daysKey(s) || s.daysStatus !== "loading") return null;
    s.daysStatus = "failed";
    s.daysError = e.code || "generic";
    return [];
  },
  retry_days(ctx, s) {
    if (s.step !== "day" || s.daysStatus !== "failed") return null;
    const effects = [];
    loadDays(s, effects);
    return effects;
  },
  // "Change" when no time is free: back to the calendar, or the type when the
  // calendar is fixed or the only one.
  search_again(ctx, s) {
    if (s.step !== "day" || s.daysStatus !== "ready" || s.days.length || !canSearchAgain(s)) {
      return null;
    }
    reset(s, s.locked.calendar || s.auto.calendar ? "type" : "calendar");
    return go(ctx, s, [], true);
  },
  day(ctx, s, e) {
    if (s.step !== "day" || !(s.days || []).some((d) => d.date === e.date)) return null;
    s.day = e.date;
    s.slot = null;
    const out = go(ctx, s, [track("select_date")], true);
    // First available, one time that day: picking the day picks the time.
    const only = dayOf(s).slots;
    if (s.calendar !== "" || only.length !== 1) return out;
    const more = on.slot(ctx, s, {slot: only[0]});
    if (Array.isArray(more)) return {state: s, effects: out.effects.filter((f) => f.type !== "focus").concat(more)};
    return {state: more.state, effects: out.effects.filter((f) => f.type !== "focus").concat(more.effects)};
  },
  slot(ctx, s, e) {
    const day = dayOf(s);
    if (s.step !== "slot" || !day || !day.slots.includes(e.slot) || s.holding) return null;
    s.notice = null;
    if (holdsOn(s)) {
      s.holding = e.slot;
      return [track("select_slot"), {type: "post_hold", body: {
        calendar: e.slot.calendar, type: s.type, start: e.slot.start}}];
    }
    s.slot = e.slot;
    return go(ctx, s, [track("select_slot")], true);
  },
  // A hold's answer {status, body, at (ms when asked)}: held, on to the details; someone
  // else's, fresh times; 429, say so; else (holds off, no network) on without a hold.
  hold_answer(ctx, s, e) {
    if (!s.holding || s.step !== "slot") return null;
    const slot = s.holding, b = e.body || {};
    s.holding = null;
    if (e.status === 201 && b.hold) {
      const ms = s.info.hold_minutes * 60000;
      s.hold = {id: b.hold.id, token: b.hold_token, ends: e.at + ms,
                skew: Date.parse(b.hold.expires_at) - ms - e.at || 0};
    } else if (e.status === 409) {
      return pickAgain(ctx, s, [focus("notice")], "hold_taken");
    } else if (e.status === 429) {
      s.notice = "hold_rate_limited";
      return [focus("notice")];
    }
    s.slot = slot;
    return go(ctx, s, s.hold ? [{type: "say", key: "hold_made"}] : [], true);
  },
  // The page's timer: the hold ran out. Nothing is renewed: the patient picks again.
  hold_expired(ctx, s, e) {
    if (!s.hold || s.hold.id !== e.id || s.sending || s.step === "receipt") return null;
    s.hold = null;
    return pickAgain(ctx, s, [focus("notice")], "hold_expired");
  },
  details(ctx, s, e) {
    if (s.step !== "details") return null;
    s.details = e.details;
    s.fieldErrors = [];
    return go(ctx, s, [track("submit_details")], true);
  },
  confirm(ctx, s) {
    if (s.step !== "confirm" || s.sending) return null;
    s.sending = true;
    s.error = null;
    if (ctx.move) {
      return [{type: "post_move", body: {calendar: s.slot.calendar, start: s.slot.start}}];
    }
    const body = {calendar: s.slot.calendar, type: s.type, start: s.slot.start,
                  patient: {...s.details}};
    if (s.hold) body.hold_token = s.hold.token;
    return [track("submit_booking"), {type: "post_booking", body}];
  },
  // The endpoint's answer to the booking: {status, body}, or {network: true}.
  answer(ctx, s, e) {
    if (!s.sending) return null;
    s.sending = false;
    if (e.status === 201 || (ctx.move && e.status === 200)) {
      s.booking = e.body;
      s.details = ctx.move ? {} : null;
      // a booking uses its hold up
      s.hold = null;
      s.step = "receipt";
      return [track(ctx.move ? "booking_moved" : "booking_confirmed"), focus("receipt")];
    }
    const body = e.body || {};
    let code = e.network ? "network" : body.code || "generic", actions;
    if (code === "validation") {
      const mine = (body.errors || []).filter((x) => String(x.field).startsWith("patient."));
      if (mine.length) {
        s.details = null;
        s.step = "details";
        s.fieldErrors = mine.map((x) => {
          const name = x.field.slice(8);
          return {name: name === "id_type" ? "national_id" : name, message: x.message};
        });
        return [focus("field"), track("booking_error", {error_code: "validation"})];
      }
    }
    if (code === "not_found") actions = [{label: "try_again", event: "reload"}];
    else if (e.network || has(FINAL, code)) actions = [];
    else if (e.status >= 500 && code !== "validation") { code = "generic"; actions = []; }
    else actions = [{label: "pick_other", event: "pick_other"}];
    s.error = {code, actions, retry: code === "network" || code === "rate_limited"};
    return [track("booking_error", {error_code: code}), focus("error")];
  },
  // After a refusal: fresh days, back on the same day when it still has free times.
  pick_other(ctx, s) {
    if (s.step !== "confirm" || !s.error || s.sending) return null;
    return pickAgain(ctx, s, release(s, []), null);
  },
  reload(ctx, s) { return s.error ? [{type: "reload"}] : null; },
};

export function next(ctx, state, event) {
  const handler = has(on, event.type) ? on[event.type] : null;
  const s = {...state};
  const out = handler && handler(ctx, s, event);
  if (!out) return {state, effects: []};
  return Array.isArray(out) ? {state: s, effects: out} : out;
}
