// Text for the pages (sitegen/templates/assets/format.js): placeholders, dates, names, errors.
import assert from "node:assert/strict";
import {test} from "node:test";

import {fmt, has, texts} from "../../sitegen/templates/assets/format.js";

const CFG = {
  tz: "Europe/Oslo", phone: "+47 55 12 34 56",
  calendars: {hansen: {name: "Kari Hansen", title: "Fastlege"}, berg: {name: "Ole Berg", title: ""}},
  types: {kons: {name: "Konsultasjon", duration: 20, price: 279}, gratis: {name: "Vaksine",
                                                                         duration: 5, price: null}},
  t: {locale: "nb-NO", first_available: "Første ledige time", minutes: "{n} min",
      price: "Pris: {price} kr", err_generic: "Noe gikk galt. Ring {phone}.",
      err_slot_unavailable: "Tatt.", cancel_too_late: "For sent. Ring {phone}."},
};

test("fmt fills what it has and leaves the rest", () => {
  assert.equal(fmt("{n} ledige hos {name}", {n: 3}), "3 ledige hos {name}");
  assert.equal(fmt("{n}", {n: 0}), "0");
});

test("has: own properties only", () => {
  assert.ok(has({a: 1}, "a"));
  assert.ok(!has({}, "constructor"));
  assert.ok(!has(null, "a"));
});

test("days and times in the clinic's timezone", () => {
  const text = texts(CFG);
  assert.equal(text.day("2026-12-01"), "tirsdag 1. desember");
  assert.equal(text.time("2026-12-01T07:00:00Z"), "08:00");
  assert.equal(text.when("2026-06-30T22:30:00Z"), "onsdag 1. juli 2026 00:30",
               "summer time, and the next day in Oslo");
});

test("calendars and types", () => {
  const text = texts(CFG);
  assert.equal(text.calendar("hansen"), "Kari Hansen, Fastlege");
  assert.equal(text.calendar("berg"), "Ole Berg");
  assert.equal(text.calendar(""), "Første ledige time");
  assert.equal(text.type("kons"), "Konsultasjon · 20 min · Pris: 279 kr");
  assert.equal(text.type("gratis"), "Vaksine · 5 min");
});

test("error codes: the code's sentence, else the generic one, with the phone", () => {
  const text = texts(CFG);
  assert.equal(text.error("slot_unavailable"), "Tatt.");
  assert.equal(text.error("constructor"), "Noe gikk galt. Ring +47 55 12 34 56.");
  assert.equal(text.error(undefined), "Noe gikk galt. Ring +47 55 12 34 56.");
  assert.equal(text.say("cancel_too_late"), "For sent. Ring +47 55 12 34 56.");
});

test("an error without an answer is the moment's: the service, unless offline", () => {
  const text = texts({...CFG, t: {...CFG.t, err_network: "Sjekk nettet.",
                                  err_unreachable: "Svarer ikke; ring {phone}."}});
  const was = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  const online = (onLine) => Object.defineProperty(globalThis, "navigator",
                                                   {value: {onLine}, configurable: true});
  try {
    online(true);
    const answered = text.error("network");
    online(false);
    assert.deepEqual([answered, text.error("network")],
                     ["Svarer ikke; ring +47 55 12 34 56.", "Sjekk nettet."]);
  } finally {
    if (was) Object.defineProperty(globalThis, "navigator", was);
    else delete globalThis.navigator;
  }
});
