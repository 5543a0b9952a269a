/* A logged-in patient's session (SPEC §13): the token the login hands back in the page's
   fragment (#session=…), kept in this page's sessionStorage per clinic — never a cookie,
   never in a URL a server sees. In the login's popup it goes to the page that opened it. */

export const POPUP = "ledig-login";
const listeners = [];
const memory = {};
let failure = "";

function box() { try { return window.sessionStorage; } catch { return null; } }

export function token(slug) {
  const s = box();
  return (s && s.getItem("ledig-session:" + slug)) || memory[slug] || "";
}

export function put(slug, value) {
  memory[slug] = value || "";
  const s = box();
  try {
    if (s && value) s.setItem("ledig-session:" + slug, value);
    else if (s) s.removeItem("ledig-session:" + slug);
  } catch { /* full or blocked: memory keeps it for this page */ }
  listeners.forEach((f) => f(memory[slug]));
}

export function onChange(f) { listeners.push(f); }

export function loginError() { return failure; }

// Read #session= or #login_error= once, and take it out of the address bar.
export function take(slug, win = window) {
  const m = /^#(session|login_error)=([A-Za-z0-9._-]{1,200})$/.exec(win.location.hash);
  if (!m) return;
  win.history.replaceState(null, "", win.location.pathname + win.location.search);
  const said = m[1] === "session" ? {type: "ledig:login", session: m[2]}
    : {type: "ledig:login", error: m[2]};
  if (win.opener && win.name === POPUP) {
    try {
      win.opener.postMessage(said, win.location.origin);
      win.close();
      return;
    } catch { /* the opener is gone: go on here, as a page of its own */ }
  }
  if (said.session) put(slug, said.session);
  else failure = said.error;
}
