"""The iframe code that embeds a clinic's pages (their URLs are `booking.urls`)."""

from __future__ import annotations

from html import escape

from booking import Clinic

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
    id needs no escaping in the attribute or the script's string.
    """
    frame_id = f"ledig-{clinic.slug}-{embed}"
    return (
        f'<iframe id="{frame_id}" src="{escape(url)}" title="{escape(title)}" '
        'style="width:100%;min-height:640px;border:0" loading="lazy" '
        'allow="clipboard-write"></iframe>\n'
        f'<script>(function(){{var f=document.getElementById("{frame_id}");'
        "window.addEventListener(\"message\",function(e){if(e.source!==f.contentWindow)"
        "return;var d=e.data||{};if(d.type===\"ledig:resize\"&&d.height>0)"
        "f.style.height=Math.ceil(d.height)+\"px\";});})();</script>\n"
    )
