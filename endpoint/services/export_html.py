"""A patient's data export as a readable HTML page (`endpoint patient export --format html`),
for the clinic to hand to the patient. Everything is escaped; no script, no external file."""

from __future__ import annotations

from html import escape

from common.words.export import export_words


def _row(*cells: object) -> str:
    return "<tr>" + "".join(f"<td>{escape(str(c or ''))}</td>" for c in cells) + "</tr>"


def export_html(data: dict, language: str) -> str:
    w = export_words(language)
    clinic = str(data.get("clinic_name") or data["clinic"])
    parts = [f"<!doctype html><html lang=\"{escape(language)}\"><head><meta charset=\"utf-8\">"
             f"<title>{escape(w['title'].format(clinic=clinic))}</title>"
             "<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}"
             "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
             "td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}"
             "pre{white-space:pre-wrap}</style></head><body>",
             f"<h1>{escape(w['title'].format(clinic=clinic))}</h1>",
             f"<p>{escape(w['intro'].format(clinic=clinic, at=data['exported_at']))}</p>",
             f"<h2>{escape(w['bookings'])}</h2>"]
    if not data["bookings"]:
        parts.append(f"<p>{escape(w['none'])}</p>")
    for b in data["bookings"]:
        p = b["patient"]
        parts.append(f"<h3>{escape(str(b['start']))}</h3><table>")
        parts.append(_row(w["when"], f"{b['start']} – {b['end']}"))
        parts.append(_row(w["what"], f"{b['type']} / {b['calendar']}"))
        parts.append(_row(w["status"], b["status"]))
        parts.append(_row(w["patient"], f"{p['first_name']} {p['last_name']} "
                                        f"({p['id_type']} {p['national_id']})"))
        parts.append(_row(w["contact"], f"{p['phone']} {p['email']}"))
        parts.append(_row(w["note"], b["note"]))
        parts.append("</table>")
        if b["log"]:
            parts.append(f"<h4>{escape(w['log'])}</h4><table>")
            parts += [_row(e["at"], e["actor"], e["action"]) for e in b["log"]]
            parts.append("</table>")
        if b["messages"]:
            parts.append(f"<h4>{escape(w['messages'])}</h4>")
            for m in b["messages"]:
                parts.append(f"<p>{escape(m['channel'])} → {escape(m['recipient'])}, "
                             f"{escape(m['status'])} {escape(str(m['sent_at'] or ''))}</p>"
                             f"<pre>{escape(m['subject'] or '')}\n{escape(m['body'])}</pre>")
    parts.append(f"<h2>{escape(w['access'])}</h2><table>")
    parts += [_row(a["at"], a["actor"], a["action"], a["booking"]) for a in data["access_log"]]
    parts.append("</table></body></html>")
    return "\n".join(parts)


__all__ = ["export_html"]
