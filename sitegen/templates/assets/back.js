/* Back, Forward and a reload on the booking page (docs/site.md "Back, Forward and
   reload"): a history entry per step reached, the place, the typed fields (never the
   national id) and the hold in sessionStorage. Fetched by booking.js with the patient's
   first step, or at once when the page is reloaded or come back to. keep(…) → the page's
   render hook, render(prev, s, event). */

import {$, say} from "./dom.js";
import {check, FIELDS, patient} from "./fields.js";
import {STEPS} from "./flow.js";
import {entry, entryOf, goto, keep as keepText, KEPT, kept, placeOf} from "./place.js";

// the patient's events whose step forward makes an entry; a "change" back makes one too
const PUSH = {calendar: 1, type: 1, day: 1, slot: 1, details: 1, answer: 1, change: 2,
              search_again: 2};

// {cfg, ctx, flow (the picker), api, info (the clinic's info, a promise), session, opts
// (fields.js's), restore (a reload or Back/Forward into the page)}
export function keep({cfg, ctx, flow, api, info, session, opts, restore}) {
  const H = window.history, KEY = "ledig-place:" + cfg.slug + ":" + window.location.pathname;
  const idType = $("#id_type");
  let at = 0, asker = null, saved = null, store = null, mine = restore && entryOf(H.state);
  let pending = null, started = false;
  try {
    store = window.sessionStorage;
    if (restore) saved = kept(store.getItem(KEY), cfg.version);
  } catch { /* no storage: Back and Forward still work */ }
  // an entry of this booking (not of one made, nor with nothing kept): back to it
  if (!saved || !mine || mine.run !== saved.run) mine = null;
  else at = mine.at;
  const run = saved ? saved.run : Math.random().toString(36).slice(2);

  const values = () => {
    const v = {id_type: idType.value};
    FIELDS.forEach((n) => { v[n] = $("#" + n).value; });
    return v;
  };
  const save = (s) => {
    try {
      if (s.step === "receipt") store.removeItem(KEY);
      else store.setItem(KEY, keepText(placeOf(s), values(), s.hold, cfg.version, run));
    } catch { /* no storage */ }
  };
  const mark = (s) => H.replaceState(entry(placeOf(s), at, run), "");

  // to a place: Forward to the confirm step takes the form as it is (not valid: the details)
  function go(place) {
    const v = values(), ok = FIELDS.every((n) => (n === "national_id" && session()) ||
                                         check(n, v[n], true, opts()).valid);
    const out = goto(ctx, flow.state(), place, ok && place.step === "confirm" ? patient(v) : null);
    pending = out.wait ? place : null;
    flow.apply(out, {type: "goto"});
  }

  window.addEventListener("popstate", (e) => {
    const got = entryOf(e.state), s = flow.state();
    if (!got) return;
    const back = got.at < at;
    at = got.at;
    if (s.step === "receipt") {
      // booked: no way back into it, and one Back more leaves the page
      mark(s);
      if (back && at) return H.go(-at);
      const again = $("#receipt-again");
      again.hidden = false;
      $("#h-receipt").focus();
      return say(again.textContent);
    }
    go(got.place);
    const now = flow.state();
    mark(now);
    if (!now.holding) say($("#h-" + now.step).textContent);
  });
  $("#details-form").addEventListener("input", () => save(flow.state()));
  // back from the browser's page cache: the hold was let go of as the page was left
  window.addEventListener("pageshow", (e) => {
    const s = flow.state();
    if (e.persisted && s.hold) {
      flow.apply(goto(ctx, {...s, hold: null}, placeOf(s), s.details), {type: "goto"});
    }
  });

  if (saved) {
    KEPT.forEach((k) => {
      const el = $("#" + k);
      if (k in saved.fields) el.value = saved.fields[k];
      if (el.selectedIndex < 0) el.selectedIndex = 0;
    });
    // once the info is in (holds), and the kept hold let go of: the same time held again
    const to = mine ? mine.place : saved.place, h = saved.hold;
    if (to) {
      Promise.all([info, h && api("DELETE", "/holds/" + encodeURIComponent(h.id), null,
                                  h.token).catch(() => null)]).then(() => go(to));
    }
  }

  return function render(prev, s, event) {
    if (!started) {
      started = true;
      if (!mine) mark(prev.step ? prev : s);  // the entry the page began in
    }
    const type = event && event.type;
    if (!prev.holding && s.holding) asker = type;
    if (type && !/^(goto|days_loaded|retry_days|info)$/.test(type)) pending = null;
    if (prev.step !== s.step) {
      const k = PUSH[type] || (type === "hold_answer" && asker !== "goto");
      if (k && (k > 1 || STEPS.indexOf(s.step) > STEPS.indexOf(prev.step))) {
        at += 1;
        H.pushState(entry(placeOf(s), at, run), "");
      } else mark(s);
    }
    if (prev.step !== s.step || prev.hold !== s.hold) save(s);
    // the place's day came in: on to it
    if (pending && s.step === "day" && s.daysStatus === "ready") {
      const p = pending;
      window.setTimeout(() => { if (pending === p) go(p); });
    }
  };
}
