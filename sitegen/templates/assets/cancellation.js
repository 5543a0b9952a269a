/* The cancellation page's logic, pure: the fragment, and what an answer shows. */

// "#<id>.<token>" (the booking page's link) or "#<token>" (the short link in messages)
// without the "#" → {id, token}, id null for the short one; null when there is none.
export function parseFragment(hash) {
  const dot = hash.indexOf(".");
  if (dot < 0) return /^[A-Za-z0-9_-]{22,}$/.test(hash) ? {id: null, token: hash} : null;
  return dot < 1 ? null : {id: hash.slice(0, dot), token: hash.slice(dot + 1)};
}

export function bookingPath(id) { return "/bookings/" + encodeURIComponent(id); }

// where a short link's token alone finds its booking (the token goes as the bearer)
export const TOKEN_PATH = "/cancellation";

// {status, body} → {booking to show (or null), say (a string's key) or error (a code)
// (neither: no status line), button (offer to cancel), move (offer to move)}
export function answerView(res) {
  const out = {booking: null, say: null, error: null, button: false, move: false};
  if (res.status === 200) {
    const b = out.booking = res.body.booking;
    if (b.status === "cancelled") out.say = "cancel_already";
    else if (!b.cancellable) out.say = "cancel_too_late";
    else {
      out.button = true;
      out.move = b.can_move === true;
    }
  } else if (res.status === 404 || res.status === 401) out.say = "cancel_not_found";
  else if (res.body.code === "cancellation_deadline") out.say = "cancel_too_late";
  else out.error = res.body.code;
  return out;
}
