"""Public URLs of a clinic's pages and the iframe code that embeds them.

`pages_url` is where the contents of the build folder are published, so a
clinic's page is `<pages_url><slug>/` and a booking link's page is
`<pages_url><slug>/<link-id>/`.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from booking import Clinic


def page_url(clinic: Clinic, link_id: str | None = None, *, calendar: str | None = None,
             type_id: str | None = None) -> str:
    base = clinic.pages_url or "/"
    if not base.endswith("/"):
        base += "/"
    url = f"{base}{clinic.slug}/" + (f"{link_id}/" if link_id else "")
    query = {k: v for k, v in (("calendar", calendar), ("type", type_id)) if v}
    return url + (f"?{urlencode(query)}" if query else "")


def iframe_code(clinic: Clinic, url: str, title: str) -> str:
    """The copy-paste embed: an iframe plus a tiny script that resizes it to its content."""
    frame_id = "ledig-" + clinic.slug
    return (
        f'<iframe id="{frame_id}" src="{escape(url)}" title="{escape(title)}" '
        'style="width:100%;min-height:640px;border:0" loading="lazy" '
        'allow="clipboard-write"></iframe>\n'
        "<script>(function(){var f=document.getElementById(" + repr(frame_id).replace("'", '"')
        + ");window.addEventListener(\"message\",function(e){if(e.source!==f.contentWindow)"
        "return;var d=e.data||{};if(d.type===\"ledig:resize\"&&d.height>0)"
        "f.style.height=Math.ceil(d.height)+\"px\";});})();</script>\n"
    )
