/* Small DOM helpers shared by the pages. */

export const $ = (sel, root) => (root || document).querySelector(sel);
export const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

export function make(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

// actions: [[label, onclick], …]
export function message(box, text, hint, actions) {
  box.textContent = "";
  box.appendChild(make("p", null, text));
  if (hint) box.appendChild(make("p", null, hint));
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
