/* A logged-in patient's session token (docs/patient-login.md): in this page's sessionStorage per clinic,
   never a cookie; patient.js takes it from the login's #session= fragment. */

const seen = [], mem = {};
const box = () => { try { return window.sessionStorage; } catch { return null; } };

export function token(slug) {
  const s = box();
  return (s && s.getItem("ledig-session:" + slug)) || mem[slug] || "";
}

export function put(slug, value) {
  mem[slug] = value || "";
  try {
    const s = box();
    if (value) s.setItem("ledig-session:" + slug, value);
    else s.removeItem("ledig-session:" + slug);
  } catch { /* blocked or full: memory keeps it for this page */ }
  seen.forEach((f) => f(mem[slug]));
}

export function onChange(f) { seen.push(f); }
