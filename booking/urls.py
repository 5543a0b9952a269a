"""Where a clinic's pages are: the one spelling of every public path.

`pages_url` is where the contents of the build folder are published, so a
clinic's page is `<pages_url><slug>/`, a booking link's page is
`<pages_url><slug>/<link-id>/`, the cancellation page is
`<pages_url><slug>/avbestill/` and the wait list's page
`<pages_url><slug>/venteliste/`. The generator writes these folders and the
endpoint's messages link to them, so both take the names from here.

`is_return_address` is the one rule for where the endpoint may send a browser back to
after a login (the patient's and the staff's `next`).
"""

from __future__ import annotations

from urllib.parse import unquote, urlencode, urlsplit

from booking.model import Clinic, origin_of

#: the cancellation page's folder (its booking id and token go in the fragment)
CANCEL_PATH = "avbestill"
#: the wait list's offer page (docs/patients.md; the entry's id and token go in the fragment)
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


#: the longest return address taken (a page's own address with its query)
MAX_RETURN_ADDRESS = 2000


def is_return_address(url: str, base: str) -> bool:
    """Whether a browser may be sent to `url` as a page under `base` (no open redirect).

    `base` is either an absolute folder URL (`<pages_url><slug>/`: then `url` must be on
    its origin, http or https, with no userinfo) or a path (`/staff/<slug>/`: then `url`
    must be a path, with no scheme or host). Either way `url`'s path must lie under the
    base's path as a browser resolves it: no dot segment (`..`, `%2e%2E`, `.%2e`), no
    backslash or empty segment, raw or percent-encoded, nothing encoded twice. No
    fragment (the endpoint writes its own), no control character, space or non-ASCII.
    """
    if not url or len(url) > MAX_RETURN_ADDRESS or not url.isascii() or "#" in url \
            or any(ch == "\\" or ch <= " " or ch == "\x7f" for ch in url):
        return False
    try:
        parts, home = urlsplit(url), urlsplit(base)
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError:
        return False
    if home.scheme or home.netloc:
        if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc \
                or origin_of(url) is None or origin_of(url) != origin_of(base):
            return False
    elif parts.scheme or parts.netloc:
        return False
    path, folder = unquote(parts.path), unquote(home.path)
    if "%" in path or "\\" in path or "//" in path \
            or any(ch <= " " or ch == "\x7f" for ch in path) \
            or any(segment in (".", "..") for segment in path.split("/")):
        return False
    return path.startswith(folder if folder.endswith("/") else folder + "/")
