/* The wait list's offer page (entry): the entry's id and token come in the fragment
   (#id=…&token=…) and never go in a URL. One tap books an offered time (claim). */

import {client} from "./api.js";
import {$, make, phoneLink, row} from "./dom.js";
import {fmt} from "./format.js";
import {calendarFile} from "./ics.js";
import {setup} from "./page.js";
import {entryPath, offerView, parseOffer} from "./waiting.js";

function offerPage({cfg, T, text, track}) {
  const status = $("#offer-status"), entryBox = $("#offer-entry"), slotsBox = $("#offer-slots");
  const leave = $("#offer-leave");
  const api = client(cfg.api);
  const hash = window.location.hash.slice(1), found = parseOffer(hash);
  // As on the cancel page: the token lives in memory only, out of the address bar.
  if (hash && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  const say = (words) => { phoneLink(status, words); status.hidden = false; };
  if (!found) return say(text.say("offer_no_token"));
  const path = entryPath(found.id);
  let entry = null;

  function show(res, before) {
    const view = offerView(res);
    entry = view.entry || entry;
    if (entry && entry.type) {
      entryBox.textContent = "";
      row(entryBox, T.what, cfg.types[entry.type] ? cfg.types[entry.type].name : entry.type);
      row(entryBox, T.who, entry.calendar ? text.calendar(entry.calendar) : T.waitlist_any);
      if (entry.from && entry.to) row(entryBox, T.waitlist_dates, text.day(entry.from) + " – " + text.day(entry.to));
      entryBox.hidden = false;
    }
    slotsBox.textContent = "";
    view.slots.forEach((slot) => {
      const b = make("button", "choice offer ant-btn"); // the row's width: time and whom
      b.type = "button";
      b.appendChild(make("span", "main", T.offer_book));
      b.appendChild(make("span", "sub", text.when(slot.start) + " " +
                         fmt(T["with"], {name: text.calendar(slot.calendar)})));
      b.addEventListener("click", () => claim(slot, b));
      slotsBox.appendChild(b);
    });
    slotsBox.hidden = !view.slots.length;
    leave.hidden = !view.entry || (!!view.say && view.say !== "offer_none");
    const words = view.say ? text.say(view.say) : view.error ? text.error(view.error)
      : T.offer_intro;
    say(before ? before + " " + (view.slots.length ? T.offer_taken_rest : T.offer_taken_none)
      : words);
  }

  const load = (before) => api("GET", path, null, found.token).then((res) => show(res, before),
                                                                     () => say(text.error("network")));
  load();

  function claim(slot, b) {
    b.disabled = true;
    api("POST", path + "/claim", {calendar: slot.calendar, start: slot.start}, found.token)
      .then((res) => {
        b.disabled = false;
        if (res.status === 201) return booked(res.body);
        const code = (res.body || {}).code;
        if (code === "slot_unavailable") return load(T.offer_taken);
        if (code === "waitlist_ended") slotsBox.hidden = leave.hidden = true; // none claimable
        say(text.error(code || "generic"));
      }, () => { b.disabled = false; say(text.error("network")); });
  }

  function booked(body) {
    const bk = body.booking, k = cfg.types[bk.type] || {name: bk.type, info: ""};
    const link = cfg.cancel_url + "#" + bk.id + "." + body.cancel_token;
    const where = bk.address || k.address || cfg.address;
    slotsBox.hidden = entryBox.hidden = leave.hidden = status.hidden = true;
    const dl = $("#receipt-summary");
    dl.textContent = "";
    row(dl, T.when, text.when(bk.start));
    row(dl, T.place, where);
    row(dl, T.who, text.calendar(bk.calendar));
    row(dl, T.what, k.name);
    const a = $("#cancel-link");
    a.href = link;
    a.textContent = link;
    const file = calendarFile({booking: bk, kind: k, clinic: cfg.name, place: where, link,
                               now: new Date()});
    $("#ics").href = URL.createObjectURL(new Blob([file], {type: "text/calendar"}));
    $("#offer-receipt").hidden = false;
    track("booking_confirmed", {waitlist: true});
    $("#h-receipt").focus();
  }

  leave.addEventListener("click", () => {
    leave.disabled = true;
    api("DELETE", path, null, found.token).then((res) => {
      leave.disabled = false;
      if (res.status !== 200 && res.status !== 204) return say(text.error((res.body || {}).code));
      slotsBox.hidden = leave.hidden = true;
      say(T.offer_left);
      track("waitlist_left", {});
      $("h1").focus();
    }, () => { leave.disabled = false; say(text.error("network")); });
  });
}

const page = setup();
if (page) offerPage(page);
