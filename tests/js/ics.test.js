// The receipt's calendar file (sitegen/templates/assets/ics.js), RFC 5545.
import assert from "node:assert/strict";
import {test} from "node:test";

import {calendarFile, fold, icsText, utc} from "../../sitegen/templates/assets/ics.js";

test("text values escape backslash, semicolon, comma and newlines", () => {
  assert.equal(icsText("a\\b;c,d\r\ne\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
});

test("lines fold at 75 octets of UTF-8, never inside a character", () => {
  const line = "DESCRIPTION:" + "æ".repeat(60);
  const folded = fold(line);
  assert.ok(folded.endsWith("\r\n"));
  for (const part of folded.slice(0, -2).split("\r\n")) {
    assert.ok(Buffer.byteLength(part) <= 75, part);
  }
  assert.equal(folded.replace(/\r\n /g, "").slice(0, -2), line);
  assert.equal(fold("😀".repeat(40)).replace(/\r\n /g, ""), "😀".repeat(40) + "\r\n");
});

test("UTC timestamps without separators or milliseconds", () => {
  assert.equal(utc("2026-12-03T09:20:00+01:00"), "20261203T082000Z");
});

test("the file: one event with the booking's time, place and cancellation link", () => {
  const file = calendarFile({
    booking: {id: "b1", start: "2026-12-03T08:00:00Z", end: "2026-12-03T08:20:00Z"},
    kind: {name: "Konsultasjon", info: "Møt opp, i god tid."}, clinic: "Fjordlegene",
    place: "Strandkaien 2, Bergen", link: "https://example.no/avbestill/#b1.t",
    now: new Date("2026-12-01T07:00:00Z")});
  const lines = file.split("\r\n");
  assert.deepEqual(lines.slice(0, 5), ["BEGIN:VCALENDAR", "VERSION:2.0",
                                       "PRODID:-//ledig//booking//NO", "METHOD:PUBLISH",
                                       "BEGIN:VEVENT"]);
  assert.ok(lines.includes("UID:b1@ledig"));
  assert.ok(lines.includes("DTSTAMP:20261201T070000Z"));
  assert.ok(lines.includes("DTSTART:20261203T080000Z"));
  assert.ok(lines.includes("DTEND:20261203T082000Z"));
  assert.ok(lines.includes("SUMMARY:Konsultasjon – Fjordlegene"));
  assert.ok(lines.includes("LOCATION:Strandkaien 2\\, Bergen"));
  assert.ok(lines.includes("DESCRIPTION:Møt opp\\, i god tid.\\nhttps://example.no/avbestill/#b1.t"));
  assert.deepEqual(lines.slice(-3), ["END:VEVENT", "END:VCALENDAR", ""]);
});
