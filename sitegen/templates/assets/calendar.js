/* The day picker's month grid, pure: ISO dates ("2026-12-03"), weeks from Monday,
   where the arrow keys go among the days with free times. */

const D = 86400000;
const ms = (iso) => Date.parse(iso + "T00:00:00Z");
const iso = (t) => new Date(t).toISOString().slice(0, 10);

export const addDays = (date, n) => iso(ms(date) + n * D);
// Monday 0 … Sunday 6
export const weekday = (date) => (new Date(ms(date)).getUTCDay() + 6) % 7;
export const monthOf = (date) => date.slice(0, 7);

// "2026-12" → its weeks, each 7 ISO dates or null outside the month.
export function weeks(month) {
  const first = month + "-01";
  const weeksOut = [];
  let week = new Array(weekday(first)).fill(null);
  for (let d = first; monthOf(d) === month; d = addDays(d, 1)) {
    week.push(d);
    if (week.length === 7) { weeksOut.push(week); week = []; }
  }
  if (week.length) weeksOut.push(week.concat(new Array(7 - week.length).fill(null)));
  return weeksOut;
}

// The months from the first free day's to the last's.
export function months(dates) {
  if (!dates.length) return [];
  const out = [], last = monthOf(dates[dates.length - 1]);
  for (let m = monthOf(dates[0]); m <= last; m = monthOf(addDays(m + "-28", 7))) out.push(m);
  return out;
}

// Where a key moves from `date` among the sorted free `dates`: a day, a week, the week's
// first or last free day, a month; null when there is none that way.
export function move(dates, date, key) {
  const after = (d) => dates.find((x) => x >= d) || null;
  const before = (d) => dates.filter((x) => x <= d).pop() || null;
  const start = addDays(date, -weekday(date)), end = addDays(start, 6);
  const inWeek = (x) => x && x >= start && x <= end ? x : null;
  switch (key) {
    case "ArrowRight": return after(addDays(date, 1));
    case "ArrowLeft": return before(addDays(date, -1));
    case "ArrowDown": return after(addDays(date, 7));
    case "ArrowUp": return before(addDays(date, -7));
    case "Home": return inWeek(after(start));
    case "End": return inWeek(before(end));
    case "PageDown": return after(monthOf(addDays(monthOf(date) + "-28", 7)) + "-01");
    case "PageUp": return before(addDays(monthOf(date) + "-01", -1));
  }
  return null;
}

// The endpoint's word on the days without free times (`full`, `closed` of the slot
// route): a Map of date → {state: "full"}, {state: "closed", reason} ("" for none), or
// {state: "other"} when only this type is not offered that day (the clinic is open).
export function dayStates(quiet) {
  const out = new Map();
  ((quiet && quiet.full) || []).forEach((date) => out.set(date, {state: "full", reason: ""}));
  ((quiet && quiet.closed) || []).forEach((c) => out.set(c.date, c.other_types && !c.reason
    ? {state: "other", reason: ""} : {state: "closed", reason: c.reason || ""}));
  return out;
}

// Whether a month has a day on which only this type is not offered.
export function hasOtherTypes(states, month) {
  return [...states].some(([date, q]) => q.state === "other" && monthOf(date) === month);
}

// A month's closed days that have a reason, as runs of days in a row with the same one:
// [{from, to, reason}].
export function reasonRuns(states, month) {
  const runs = [];
  [...states.keys()].filter((d) => monthOf(d) === month).sort().forEach((date) => {
    const {state, reason} = states.get(date), last = runs[runs.length - 1];
    if (state !== "closed" || !reason) return;
    if (last && last.reason === reason && addDays(last.to, 1) === date) last.to = date;
    else runs.push({from: date, to: date, reason});
  });
  return runs;
}
