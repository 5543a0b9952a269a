/* The receipt's "add to calendar" file (RFC 5545), made in the browser. Pure. */

export function icsText(s) {
  return String(s).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,")
    .replace(/\r?\n/g, "\\n");
}

// Lines of at most 75 octets of UTF-8, continued with CRLF and a space.
export function fold(line) {
  let out = "", bytes = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : (c >= 0xd800 && c < 0xdc00) ? 4
      : (c >= 0xdc00 && c < 0xe000) ? 0 : 3;
    if (bytes + n > 74) { out += "\r\n "; bytes = 1; }
    out += line.charAt(i);
    bytes += n;
  }
  return out + "\r\n";
}

export function utc(iso) {
  return new Date(iso).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

// `sequence` (a moved booking's): calendars replace the event of the same UID.
export function calendarFile({booking, kind, clinic, place, link, now, sequence}) {
  return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ledig//booking//NO", "METHOD:PUBLISH",
    "BEGIN:VEVENT", "UID:" + booking.id + "@ledig", "DTSTAMP:" + utc(now.toISOString()),
    ...(sequence ? ["SEQUENCE:" + sequence] : []), "DTSTART:" + utc(booking.start), "DTEND:" + utc(booking.end),
    "SUMMARY:" + icsText(kind.name + " – " + clinic),
    "LOCATION:" + icsText(place),
    "DESCRIPTION:" + icsText((kind.info ? kind.info + "\n" : "") + link),
    "END:VEVENT", "END:VCALENDAR"].map(fold).join("");
}
