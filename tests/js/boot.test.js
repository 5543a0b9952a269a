// boot.js, the classic script that runs before the clinic's own: the legacy e.path
// getter, and GA4 with the Consent Mode defaults first. Run in a fake window.
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {test} from "node:test";
import vm from "node:vm";

const SOURCE = readFileSync(new URL("../../sitegen/templates/assets/boot.js", import.meta.url), "utf8");

function boot(tracking, stored = null) {
  class FakeEvent { composedPath() { return ["target", "document"]; } }
  const head = [];
  const config = tracking === undefined ? null : {textContent: JSON.stringify({tracking})};
  const win = {
    Event: FakeEvent,
    localStorage: {getItem: (k) => (k === "ledig-consent" ? stored : null)},
    document: {
      getElementById: (id) => (id === "ledig-config" ? config : null),
      createElement: () => ({}),
      head: {appendChild: (e) => head.push(e)},
    },
  };
  vm.runInNewContext(SOURCE, {window: win, JSON, Object, Date, encodeURIComponent});
  // as plain data of this realm (the script's arrays and objects are the context's)
  const layer = JSON.parse(JSON.stringify(Array.from(win.dataLayer || [], (a) => Array.from(a))));
  return {win, head, FakeEvent, layer};
}

const DEFAULTS = {ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied",
                  wait_for_update: 500};

test("e.path for the original system's script, from composedPath()", () => {
  const {FakeEvent} = boot({});
  assert.deepEqual(new FakeEvent().path, ["target", "document"]);
});

test("without GA: a dataLayer and a gtag, nothing loaded", () => {
  const {win, head, layer} = boot({ga: null});
  assert.equal(typeof win.gtag, "function");
  assert.deepEqual(layer, []);
  assert.deepEqual(head, []);
});

test("with GA and a banner: denied by default, first, then gtag.js for the id", () => {
  const {head, layer} = boot({ga: "G-1 X", consent: "banner", page_location: "https://e/",
                              page_title: "Klinikk"});
  assert.deepEqual(layer[0], ["consent", "default", {...DEFAULTS, analytics_storage: "denied"}]);
  assert.equal(layer[1][0], "js");
  assert.deepEqual(layer[2], ["config", "G-1 X", {page_location: "https://e/",
                                                  page_title: "Klinikk"}]);
  assert.deepEqual(head.map((e) => [e.src, e.async]), [
    ["https://www.googletagmanager.com/gtag/js?id=G-1%20X", true]]);
});

test("analytics granted after a yes, or with consent: none", () => {
  assert.equal(boot({ga: "G-1", consent: "banner"}, "granted").layer[0][2].analytics_storage,
               "granted");
  assert.equal(boot({ga: "G-1", consent: "none"}).layer[0][2].analytics_storage, "granted");
  assert.equal(boot({ga: "G-1", consent: "banner"}, "denied").layer[0][2].analytics_storage,
               "denied");
});

test("a page without a configuration still gets e.path and gtag", () => {
  const {win, FakeEvent} = boot(undefined);
  assert.equal(typeof win.gtag, "function");
  assert.ok("path" in FakeEvent.prototype);
});
