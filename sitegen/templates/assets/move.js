/* Moving a booking from the cancel page: the booking page's slot picker (steps.js and
   flow.js with ctx.move) for the booking's type, any calendar that offers it; confirm
   shows the old and the new time; PATCH with the cancel token. */

import {$, make, message, row} from "./dom.js";
import {calendarFile} from "./ics.js";
import {picker} from "./steps.js";

export function moveBooking({cfg, T, text, track, api, booking, path, token, moved}) {
  const link = cfg.cancel_url + "#" + booking.id + "." + token;
  const kind = booking.type, box = $("#step-calendar .body");
  const offers = {};
  Object.keys(cfg.offers).forEach((c) => {
    if (cfg.offers[c].includes(kind)) offers[c] = [kind];
  });
  // the calendar buttons, as the booking page's ("" = first available), the booking's own
  // calendar first: most who move want to stay with the one they chose
  const own = offers[booking.calendar] ? [booking.calendar] : [];
  const others = Object.keys(offers).filter((id) => id !== booking.calendar);
  [...own, "", ...others].forEach((id) => {
    const b = make("button", "choice ant-select-dropdown-menu-item");
    b.type = "button";
    b.setAttribute("data-value", id);
    b.appendChild(make("span", "calendar", text.calendar(id)));
    box.appendChild(b);
  });
  $("#move").hidden = false;
  const ctx = {offers, calendars: cfg.calendars, types: cfg.types, preset: {type: kind},
               send_names: false, move: true};
  const page = {
    confirmLabel: T.move_confirm,
    post: (fx) => api("PATCH", path, fx.body, token),
    confirm(s) {
      const dl = $("#summary");
      dl.textContent = "";
      row(dl, T.move_from, text.when(booking.start) + ", " + booking.calendar_name);
      row(dl, T.move_to, text.when(s.slot.start) + ", " + text.calendar(s.slot.calendar));
      row(dl, T.what, text.type(kind));
    },
    receipt(s) {
      const b = s.booking.booking || s.booking, dl = $("#receipt-summary");
      dl.textContent = "";
      row(dl, T.when, text.when(b.start));
      row(dl, T.who, text.calendar(b.calendar));
      row(dl, T.place, b.address || cfg.types[kind].address || cfg.address);
      row(dl, T.what, cfg.types[kind].name);
      const file = calendarFile({booking: b, kind: cfg.types[kind], clinic: cfg.name,
                                 place: b.address || cfg.types[kind].address || cfg.address,
                                 link, now: new Date(),
                                 sequence: b.sequence || 1});
      $("#ics").href = URL.createObjectURL(new Blob([file], {type: "text/calendar"}));
      moved(b);
      const old = $("#cancel-summary");
      old.hidden = true;
    },
    noSlots(s, msgBox) { message(msgBox, T.no_slots, text.say("no_slots_hint")); },
  };
  picker({cfg, T, text, track, api, ctx, query: {}, page});
  const first = $("#move section:not([hidden]) h2");
  if (first) first.focus();
}
