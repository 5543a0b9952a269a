"""The iframe code that embeds a clinic's pages (their URLs are `booking.urls`)."""

from __future__ import annotations

from html import escape

from booking import Clinic

#: how long after the frame loaded the snippet waits for `ledig:ready` before the link
FALLBACK_MS = 6000
EMBED_MARK = "\x00EMBED\x00"  # stands for embed_id() in the links page's iframe template


def embed_id(link_id: str | None = None, *, calendar: str | None = None,
             type_id: str | None = None) -> str:
    """Which of a clinic's embeds an iframe is: a link's id, else `index` (plus a query's
    preset), so that two embeds of one clinic on one host page have distinct element ids."""
    if link_id:
        return link_id
    return "-".join(["index", *(v for v in (calendar, type_id) if v)])


def iframe_code(clinic: Clinic, url: str, title: str, embed: str = "index") -> str:
    """The copy-paste embed: an iframe plus a tiny script that resizes it to its content.

    Its id is `ledig-<slug>-<embed>` (`embed_id()`): ids and slugs are [a-z0-9_-], so the
    id needs no escaping in the attribute or the script's string. The page says
    `ledig:ready` when it runs (any `ledig:` message from the frame shows it runs, so a
    slow `ready` behind a `resize` is no refusal); when it has said nothing a few seconds
    after the frame loaded
    (the host refused the framing, or the page failed), the script puts a plain link
    to the page, named by the frame's title, where the broken frame was.
    """
    frame_id = f"ledig-{clinic.slug}-{embed}"
    return (
        f'<iframe id="{frame_id}" src="{escape(url)}" title="{escape(title)}" '
        'style="width:100%;min-height:640px;border:0" loading="lazy" '
        'allow="clipboard-write"></iframe>\n'
        f'<script>(function(){{var f=document.getElementById("{frame_id}"),ok=0;'
        "window.addEventListener(\"message\",function(e){if(e.source!==f.contentWindow)"
        "return;var d=e.data||{};if(String(d.type).indexOf(\"ledig:\")===0)ok=1;"
        "if(d.type===\"ledig:resize\"&&d.height>0)"
        "f.style.height=Math.ceil(d.height)+\"px\";});"
        "f.addEventListener(\"load\",function(){setTimeout(function(){if(ok||!f.parentNode)"
        "return;var p=document.createElement(\"p\"),a=document.createElement(\"a\");"
        "a.href=f.src;a.textContent=f.title;p.appendChild(a);f.parentNode.replaceChild(p,f);"
        f"}},{FALLBACK_MS});}});}})();</script>\n"
    )
