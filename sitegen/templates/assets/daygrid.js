/* The day step's month grid (WAI-ARIA grid): Monday first, the free days buttons with a
   single tab stop that the arrows, Home/End and Page Up/Down move among them; full and
   closed days say so (the reason in the name, and under the grid). Fetched by steps.js
   beside the first days. o: {s, T, text, dispatch, view: {month, at}, nav, box}. */

import {dayStates, hasOtherTypes, monthOf, months, move, reasonRuns, weeks} from "./calendar.js";
import {$, $$, make} from "./dom.js";
import {fmt} from "./format.js";

// the label under a day without free times, by its state (dayStates)
const WORD = {full: (T) => T.day_full, closed: (T) => T.day_closed, other: (T) => T.day_type_off};

const KEYS = ["ArrowRight", "ArrowLeft", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"];

// The free days as they came: back on the day last focused when it is still free.
export function show(o) {
  const dates = o.s.days.map((d) => d.date), v = o.view;
  if (!dates.includes(v.at)) v.at = dates[0];
  v.month = monthOf(v.at);
  draw(o, false);
}

function draw(o, focusIt) {
  const {s, T, text, dispatch, view: v, nav, box} = o;
  const dates = s.days.map((d) => d.date), all = months(dates), i = all.indexOf(v.month);
  const byDate = {}, quiet = dayStates(s.quiet);
  s.days.forEach((d) => { byDate[d.date] = d; });
  nav.textContent = "";
  nav.hidden = false;
  const first = make("button", "btn day-first", T.day_first);
  first.type = "button";
  first.addEventListener("click", () => dispatch({type: "day", date: dates[0]}));
  const title = make("h3", "month-title", new Intl.DateTimeFormat(
    T.locale, {month: "long", year: "numeric", timeZone: "UTC"}).format(new Date(v.month + "-15T12:00:00Z")));
  title.id = "month-title";
  title.setAttribute("aria-live", "polite");
  const turn = (label, to, sign) => {
    const b = make("button", "btn month-turn", sign);
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.hidden = all.length < 2;
    b.disabled = to < 0 || to >= all.length;
    b.addEventListener("click", () => {
      v.month = all[to];
      v.at = dates.find((d) => monthOf(d) === v.month);
      draw(o, false);
    });
    return b;
  };
  const bar = make("div", "month-bar");
  bar.append(turn(T.month_prev, i - 1, "‹"), title, turn(T.month_next, i + 1, "›"));
  nav.append(first, bar);

  box.textContent = "";
  const table = make("table", "month");
  table.setAttribute("role", "grid");
  table.setAttribute("aria-labelledby", "month-title");
  const head = make("tr"), long = T.weekdays_long.split(",");
  T.weekdays.split(",").forEach((w, k) => {
    const th = head.appendChild(make("th", null, w));
    th.scope = "col";
    th.abbr = long[k];
  });
  table.appendChild(make("thead")).appendChild(head);
  const body = table.appendChild(make("tbody"));
  weeks(v.month).forEach((week) => {
    const tr = body.appendChild(make("tr"));
    week.forEach((date) => {
      const td = tr.appendChild(make("td"));
      if (!date) return;
      const n = String(Number(date.slice(8))), d = byDate[date];
      if (!d) {
        // full, closed (the clinic's reason as text, never markup) or the type not offered
        // that day (the clinic open for others), else simply none free
        const q = quiet.get(date), word = q ? WORD[q.state](T) : "";
        td.className = "day-off" + (q ? " day-" + q.state : "");
        td.appendChild(make("span", null, n)).setAttribute("aria-hidden", "true");
        if (q) td.appendChild(make("span", "day-label", word)).setAttribute("aria-hidden", "true");
        if (q && q.reason) td.title = q.reason;
        if (q && q.state === "other") td.title = T.day_type_off_long;
        td.appendChild(make("span", "sr-only", text.day(date) + ", " +
          (!q ? T.day_none : q.state === "other" ? T.day_type_off_long
            : word + (q.reason ? ": " + q.reason : ""))));
        return;
      }
      const b = td.appendChild(make("button", "day booking-form-date", n));
      const c = d.slots.length;
      b.type = "button";
      b.tabIndex = date === v.at ? 0 : -1;
      b.setAttribute("data-date", date);
      b.setAttribute("aria-label", text.day(date) + ", " + fmt(c === 1 ? T.free_count_one : T.free_count, {n: c}));
      // the count drawn by CSS: the visible text ("3") stays part of the name
      b.setAttribute("data-n", String(c));
      b.addEventListener("click", () => dispatch({type: "day", date}));
      b.addEventListener("focus", () => { v.at = date; });
    });
  });
  table.addEventListener("keydown", (e) => {
    if (!KEYS.includes(e.key)) return;
    e.preventDefault();
    const to = move(dates, v.at, e.key);
    if (!to) return;
    v.at = to;
    if (monthOf(to) !== v.month) { v.month = monthOf(to); draw(o, true); return; }
    $$("button", table).forEach((b) => { b.tabIndex = b.getAttribute("data-date") === to ? 0 : -1; });
    $("[data-date=\"" + to + "\"]", table).focus();
  });
  box.appendChild(table);
  const runs = reasonRuns(quiet, v.month), others = hasOtherTypes(quiet, v.month);
  if (runs.length || others) {
    const short = new Intl.DateTimeFormat(T.locale, {day: "numeric", month: "short", timeZone: "UTC"});
    const on = (date) => short.format(new Date(date + "T12:00:00Z"));
    const notes = box.appendChild(make("p", "month-notes"));
    runs.forEach((r, k) => {
      if (k) notes.append(" · ");
      notes.appendChild(make("span", null,
        (r.from === r.to ? on(r.from) : on(r.from) + "–" + on(r.to)) + ": " + r.reason));
    });
    // a sentence, which may wrap (the reasons' spans do not)
    if (others) notes.append((runs.length ? " · " : "") + T.day_type_off_note);
  }
  if (focusIt) $("[data-date=\"" + v.at + "\"]", table).focus();
}
