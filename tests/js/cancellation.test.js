// The cancellation page's logic (sitegen/templates/assets/cancellation.js).
import assert from "node:assert/strict";
import {test} from "node:test";

import {answerView, bookingPath, parseFragment} from "../../sitegen/templates/assets/cancellation.js";

test("the fragment: <id>.<token>", () => {
  assert.deepEqual(parseFragment("b1.tok.en"), {id: "b1", token: "tok.en"});
  assert.equal(parseFragment(""), null);
  assert.equal(parseFragment("b1"), null);
  assert.equal(parseFragment(".token"), null);
  assert.equal(bookingPath("a/b?c"), "/bookings/a%2Fb%3Fc");
});

test("the short fragment of a message's link: the token alone", () => {
  const token = "q1W-_e3RtYuIoPaSdFgHjk";  // 22 URL-safe characters: 128 bits
  assert.deepEqual(parseFragment(token), {id: null, token});
  assert.equal(parseFragment(token.slice(1)), null);  // too short to be a token
  assert.equal(parseFragment(token.slice(0, 10) + "%2F" + token.slice(10)), null);
});

test("what an answer shows", () => {
  const booking = (extra) => ({status: "booked", cancellable: true, ...extra});
  const view = (status, body) => answerView({status, body});
  assert.deepEqual(view(200, {booking: booking()}),
                   {booking: booking(), say: null, error: null, button: true, move: false});
  // "Flytt timen" only when the endpoint says the booking can move (and still be cancelled)
  assert.equal(view(200, {booking: booking({can_move: true})}).move, true);
  assert.equal(view(200, {booking: booking({can_move: true, cancellable: false})}).move, false);
  assert.equal(view(200, {booking: booking({can_move: true, status: "cancelled"})}).move, false);
  assert.equal(view(200, {booking: booking({status: "cancelled"})}).say, "cancel_already");
  assert.equal(view(200, {booking: booking({cancellable: false})}).say, "cancel_too_late");
  assert.deepEqual(view(404, {}), {booking: null, say: "cancel_not_found", error: null,
                                   button: false, move: false});
  assert.equal(view(401, {code: "unauthorized"}).say, "cancel_not_found");
  assert.equal(view(409, {code: "cancellation_deadline"}).say, "cancel_too_late");
  assert.deepEqual(view(429, {code: "rate_limited"}), {booking: null, say: null,
                                                       error: "rate_limited", button: false,
                                                       move: false});
});
