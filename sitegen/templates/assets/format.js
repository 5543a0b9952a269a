/* Text for the pages, pure: {placeholders}, dates (Intl, the clinic's timezone), names, errors. */

// Own properties only: a query's ?calendar=constructor must not find Object's.
export function has(o, k) { return o != null && Object.prototype.hasOwnProperty.call(o, k); }

export function fmt(s, o) {
  return String(s).replace(/\{(\w+)\}/g, (m, k) => (o && o[k] != null ? o[k] : m));
}

export function texts(cfg) {
  const T = cfg.t || {}, phone = {phone: cfg.phone || ""};
  const dayFmt = new Intl.DateTimeFormat(T.locale, {weekday: "long", day: "numeric",
                                                     month: "long", timeZone: "UTC"});
  const timeFmt = new Intl.DateTimeFormat(T.locale, {hour: "2-digit", minute: "2-digit",
                                                      timeZone: cfg.tz});
  const longFmt = new Intl.DateTimeFormat(T.locale, {weekday: "long", day: "numeric",
                                                      month: "long", year: "numeric",
                                                      timeZone: cfg.tz});
  return {
    // "2026-12-01" → "tirsdag 1. desember" (a calendar day: no timezone shift)
    day: (iso) => dayFmt.format(new Date(iso + "T12:00:00Z")),
    time: (start) => timeFmt.format(new Date(start)),
    when: (start) => longFmt.format(new Date(start)) + " " + timeFmt.format(new Date(start)),
    calendar(id) {
      if (!id) return T.first_available;
      const c = cfg.calendars[id];
      return c.name + (c.title ? ", " + c.title : "");
    },
    type(id) {
      const k = cfg.types[id];
      const parts = [k.name, fmt(T.minutes, {n: k.duration})];
      if (k.price != null) parts.push(fmt(T.price, {price: k.price}));
      return parts.join(" · ");
    },
    say: (key) => fmt(T[key], phone),
    // No answer: the patient's own network is to blame only when the browser knows it is
    // offline; otherwise the booking service did not answer. (The one browser fact this
    // pure module reads, and only if it is there: Node's tests set it.)
    error: (code) => fmt(code === "network" && globalThis.navigator?.onLine !== false
      ? T.err_unreachable : has(T, "err_" + code) ? T["err_" + code] : T.err_generic, phone),
  };
}
