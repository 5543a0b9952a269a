/* Small DOM helpers shared by the pages. */

export const $ = (sel, root) => (root || document).querySelector(sel);
export const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

export function make(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

let PHONE = "";
export function usePhone(phone) { PHONE = phone || ""; }

// `text` into `el`, the clinic's phone number in it made a tel: link.
export function phoneLink(el, text, phone = PHONE) {
  const at = phone ? text.indexOf(phone) : -1;
  el.textContent = at < 0 ? text : text.slice(0, at);
  if (at < 0) return el;
  const a = make("a", null, phone);
  a.href = "tel:" + phone.replace(/[^0-9+]/g, "");
  el.append(a, text.slice(at + phone.length));
  return el;
}

// actions: [[label, onclick], …]
export function message(box, text, hint, actions) {
  box.textContent = "";
  box.appendChild(phoneLink(make("p"), text));
  if (hint) box.appendChild(phoneLink(make("p"), hint));
  (actions || []).forEach(([label, onclick]) => {
    const b = make("button", "btn ant-btn", label);
    b.type = "button";
    b.addEventListener("click", onclick);
    box.appendChild(b);
  });
  box.hidden = false;
}

// for screen readers (emptied first, so a repeat is heard)
export function say(text) {
  const live = $("#live");
  if (live) {
    live.textContent = "";
    window.setTimeout(() => { live.textContent = text; }, 50);
  }
}

export function row(dl, label, value) {
  dl.appendChild(make("dt", null, label));
  dl.appendChild(make("dd", null, value));
}
