/* The cancellation page (entry module): the token stays in the fragment. "Flytt timen"
   (the first offer) opens the booking page's slot picker (move.js, steps.js) for the same
   type; "Avbestill timen" comes below it and asks first, since a cancellation cannot be
   undone (docs/site.md#moving-a-booking-the-cancel-page). */

import {client} from "./api.js";
import {answerView, bookingPath, parseFragment, TOKEN_PATH} from "./cancellation.js";
import {$, phoneLink, row} from "./dom.js";
import {moveBooking} from "./move.js";
import {setup} from "./page.js";

// The link's fragment, kept for this tab only (sessionStorage: gone with the tab, never
// sent anywhere) so that a reload works without the token back in the address bar
// (docs/site.md#moving-a-booking-the-cancel-page).
const KEPT = "ledig-cancel:";

function keep(slug, fragment) {
  try { window.sessionStorage.setItem(KEPT + slug, fragment); } catch { /* blocked */ }
}

function kept(slug) {
  try { return window.sessionStorage.getItem(KEPT + slug) || ""; } catch { return ""; }
}

function cancelPage({cfg, T, text, track}) {
  const status = $("#cancel-status"), dl = $("#cancel-summary"), btn = $("#cancel-button");
  const moveBtn = $("#move-button"), part = $("#cancel-part"), ask = $("#cancel-confirm");
  const yes = $("#cancel-yes");
  const api = client(cfg.api);
  window.addEventListener("hashchange", () => { if (window.location.hash) window.location.reload(); });
  const hash = window.location.hash.slice(1);
  const found = parseFragment(hash || kept(cfg.slug));
  if (hash && found) keep(cfg.slug, hash);
  // The token leaves the address bar: out of the history and any bookmark of this page.
  // It stays in this tab's sessionStorage only, so that a reload still finds the booking.
  if (hash && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  const done = (words) => { phoneLink(status, words); status.hidden = false; };
  if (!found) return done(text.say("cancel_no_token"));
  let path = found.id ? bookingPath(found.id) : null;
  let booking = null;
  track("cancel_init", {});

  function answer(res) {
    if (res.status === 200 && !path) path = bookingPath(res.body.booking.id);
    const view = answerView(res);
    if (view.booking) {
      const b = booking = view.booking;
      dl.textContent = "";
      row(dl, T.when, text.when(b.start));
      row(dl, T.place, b.address);
      row(dl, T.who, b.calendar_name);
      row(dl, T.what, b.type_name);
      dl.hidden = false;
    }
    part.hidden = !view.button;
    asking(false);
    moveBtn.hidden = !view.move;
    if (view.say) done(text.say(view.say));
    else if (!view.button) done(text.error(view.error));
    else status.hidden = true;
  }

  api("GET", path || TOKEN_PATH, null, found.token).then(answer, () => done(text.error("network")));

  // "Avbestill timen" only asks: what is cancelled (when, who, what) and that it is final
  function asking(on) {
    btn.hidden = on;
    ask.hidden = !on;
    if (!on || !booking) return;
    const what = $("#cancel-what");
    what.textContent = "";
    row(what, T.when, text.when(booking.start));
    row(what, T.who, booking.calendar_name);
    row(what, T.what, booking.type_name);
    $("#h-cancel-confirm").focus();
  }

  btn.addEventListener("click", () => asking(true));
  $("#cancel-no").addEventListener("click", () => { asking(false); btn.focus(); });

  yes.addEventListener("click", () => {
    yes.disabled = true;
    api("DELETE", path, null, found.token).then((res) => {
      yes.disabled = false;
      if (res.status !== 200) return answer(res);
      part.hidden = moveBtn.hidden = true;
      $("#move").hidden = true;
      done(T.cancel_done);
      track("booking_cancelled", {});
      $("h1").focus();
    }, () => { yes.disabled = false; done(text.error("network")); });
  });

  moveBtn.addEventListener("click", () => {
    moveBtn.hidden = true;
    moveBooking({cfg, T, text, track, api, booking, path, token: found.token,
                 moved(b) { part.hidden = true; booking = b; }});
  });
}

const page = setup();
if (page) cancelPage(page);
