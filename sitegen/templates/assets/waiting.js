/* The wait list's logic, pure: dates in the clinic's timezone, the form's date range,
   the offer page's fragment and what its answers show. */

// The calendar day of `now` in `tz`: "2026-12-01".
export function today(tz, now) {
  return new Intl.DateTimeFormat("en-CA", {timeZone: tz, year: "numeric", month: "2-digit",
                                           day: "2-digit"}).format(now);
}

export function addDays(iso, n) {
  const d = new Date(iso + "T12:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// The form's range: "" when fine, else a string's key.
export function rangeError(from, to, first, last) {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(from) || !day.test(to)) return "required";
  return from < first || to > last || from > to ? "waitlist_bad_range" : "";
}

// "#id=…&token=…" without the "#" → {id, token}, or null.
export function parseOffer(hash) {
  const q = new URLSearchParams(hash);
  const id = q.get("id"), token = q.get("token");
  return id && token ? {id, token} : null;
}

export function entryPath(id) { return "/waitlist/" + encodeURIComponent(id); }

// The offer page's GET → {entry, slots (offered, still free), say (a key) or error (a code)}
export function offerView(res) {
  const out = {entry: null, slots: [], say: null, error: null};
  if (res.status === 200) {
    const b = res.body, e = out.entry = b.entry || {};
    // offered times someone else has booked since are left out (the claim re-checks);
    // an entry that has ended (booked, left, past) offers none: it could not claim them
    const ended = e.status && e.status !== "waiting" && e.status !== "offered";
    out.slots = ended ? [] : (b.offers || []).filter((o) => o.available !== false);
    if (ended) out.say = "offer_ended";
    else if (!out.slots.length) out.say = "offer_none";
  } else if (res.status === 404 || res.status === 401) out.say = "offer_not_found";
  else out.error = (res.body || {}).code || "generic";
  return out;
}
