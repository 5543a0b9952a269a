// Tracking (sitegen/templates/assets/tracking.js, consent.js, embed.js) with fake windows.
import assert from "node:assert/strict";
import {test} from "node:test";

import {needsBanner} from "../../sitegen/templates/assets/consent.js";
import {poster} from "../../sitegen/templates/assets/embed.js";
import {eventParams, gtagOf, tracker} from "../../sitegen/templates/assets/tracking.js";

test("every event carries the clinic and the link, then its own parameters", () => {
  assert.deepEqual(eventParams({slug: "fjord", tracking: {link: 2}}, {error_code: "x"}),
                   {clinic: "fjord", booking_link: 2, error_code: "x"});
  assert.deepEqual(eventParams({slug: "fjord", tracking: {link: null}}), {clinic: "fjord"});
});

test("gtag puts its arguments object on the dataLayer, as Google's snippet does", () => {
  const win = {};
  gtagOf(win)("event", "x", {a: 1});
  assert.equal(win.dataLayer.length, 1);
  assert.equal(Object.prototype.toString.call(win.dataLayer[0]), "[object Arguments]");
  assert.deepEqual([...win.dataLayer[0]], ["event", "x", {a: 1}]);
});

test("with GA: to gtag and to the parent; without: to the parent only", () => {
  const sent = [], posted = [];
  const gtag = (...args) => sent.push(args);
  tracker({slug: "fjord", tracking: {ga: "G-1"}}, gtag, (m) => posted.push(m))("select_slot", {});
  assert.deepEqual(sent, [["event", "select_slot", {clinic: "fjord"}]]);
  assert.deepEqual(posted, [{type: "ledig:select_slot", clinic: "fjord"}]);
  tracker({slug: "fjord", tracking: {}}, gtag, (m) => posted.push(m))("booking_init", {});
  assert.equal(sent.length, 1);
  assert.equal(posted.length, 2);
});

test("posts reach the parent only inside a frame, and a detached parent is no error", () => {
  const top = {};
  top.parent = top;
  const got = [];
  poster(top)({type: "x"});
  const framed = {parent: {postMessage: (m, origin) => got.push([m, origin])}};
  poster(framed)({type: "x"});
  assert.deepEqual(got, [[{type: "x"}, "*"]]);
  poster({parent: {postMessage() { throw new Error("detached"); }}})({type: "x"});
});

test("the banner: with GA and consent: banner, until the patient answers", () => {
  assert.ok(needsBanner({ga: "G-1", consent: "banner"}, null));
  assert.ok(!needsBanner({ga: "G-1", consent: "banner"}, "denied"));
  assert.ok(!needsBanner({ga: "G-1", consent: "none"}, null));
  assert.ok(!needsBanner({ga: null, consent: "banner"}, null));
});
