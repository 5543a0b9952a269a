"""Where a clinic's pages are: the one spelling of every public path.

`pages_url` is where the contents of the build folder are published, so a
clinic's page is `<pages_url><slug>/`, a booking link's page is
`<pages_url><slug>/<link-id>/`, the cancellation page is
`<pages_url><slug>/avbestill/` and the wait list's page
`<pages_url><slug>/venteliste/`. The generator writes these folders and the
endpoint's messages link to them, so both take the names from here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from booking.model import Clinic

#: the cancellation page's folder (its booking id and token go in the fragment)
CANCEL_PATH = "avbestill"
#: the wait list's offer page (SPEC §11; the entry's id and token go in the fragment)
WAITLIST_PATH = "venteliste"
#: the admin's page of booking links and embed codes
LINKS_PATH = "lenker"
#: the pages' shared scripts and styles
ASSETS_PATH = "assets"
#: folder names under a clinic that the build uses itself: no booking link may take them
RESERVED_PATHS = frozenset({CANCEL_PATH, WAITLIST_PATH, "snippets", LINKS_PATH, "index",
                            ASSETS_PATH})


def page_url(clinic: Clinic, link_id: str | None = None, *, calendar: str | None = None,
             type_id: str | None = None) -> str:
    """The clinic's page, or a booking link's, with an optional preset as its query."""
    base = clinic.pages_url or "/"
    if not base.endswith("/"):
        base += "/"
    url = f"{base}{clinic.slug}/" + (f"{link_id}/" if link_id else "")
    query = {k: v for k, v in (("calendar", calendar), ("type", type_id)) if v}
    return url + (f"?{urlencode(query)}" if query else "")


def cancel_page_url(clinic: Clinic) -> str:
    """The cancellation page (`…/<slug>/avbestill/`)."""
    return f"{page_url(clinic)}{CANCEL_PATH}/"


def cancel_url(clinic: Clinic, public_id: str, token: str) -> str:
    """A booking's cancellation link: id and token in the fragment, never sent to a server."""
    return f"{cancel_page_url(clinic)}#{public_id}.{token}"


def waitlist_page_url(clinic: Clinic) -> str:
    """The wait list's page (`…/<slug>/venteliste/`)."""
    return f"{page_url(clinic)}{WAITLIST_PATH}/"


def waitlist_url(clinic: Clinic, entry_id: str, token: str) -> str:
    """A wait-list entry's link: id and token in the fragment, never sent to a server."""
    return f"{waitlist_page_url(clinic)}#{urlencode({'id': entry_id, 'token': token})}"


def short_cancel_url(clinic: Clinic, token: str) -> str:
    """The link in messages: the token alone in the fragment (the page finds the booking
    by it), so that a confirmation fits in one SMS."""
    return f"{cancel_page_url(clinic)}#{token}"
