/* The admin's page of links (entry module): preview, copy, make a link. */

import {$, make} from "./dom.js";
import {setup} from "./page.js";
import {makeLink} from "./snippet.js";

function copy(text, btn, T) {
  const ok = () => {
    const note = btn.parentNode.querySelector(".copied");
    if (note) {
      note.textContent = "";
      window.setTimeout(() => { note.textContent = T.links_copied; }, 50);
    }
  };
  const fallback = () => {
    const area = make("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); ok(); } catch { /* nothing more to try */ }
    document.body.removeChild(area);
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(ok, fallback);
  } else fallback();
}

function preview(b) {
  const box = $("#" + b.getAttribute("aria-controls"));
  const open = box.hidden;
  box.textContent = "";
  if (open) {
    const f = make("iframe");
    f.src = b.getAttribute("data-preview");
    f.title = b.getAttribute("data-title");
    box.appendChild(f);
  }
  box.hidden = !open;
  b.setAttribute("aria-expanded", String(open));
}

function linksPage({cfg, T}) {
  document.addEventListener("click", (e) => {
    const b = e.target.closest && e.target.closest("button");
    if (!b) return;
    if (b.hasAttribute("data-copy")) copy(b.getAttribute("data-copy"), b, T);
    if (b.hasAttribute("data-copy-from")) copy($("#" + b.getAttribute("data-copy-from")).value, b, T);
    if (b.hasAttribute("data-preview")) preview(b);
  });

  const cal = $("#make-calendar"), type = $("#make-type");
  if (!cal) return;
  const update = () => {
    const link = makeLink(cfg.page_url, cal.value, type.value, cfg.iframe_template);
    $("#make-url").value = link.url;
    $("#make-open").href = link.href;
    $("#make-copy-link").setAttribute("data-copy", link.url);
    $("#make-preview").setAttribute("data-preview", link.href);
    $("#make-iframe").value = link.iframe;
  };
  cal.addEventListener("change", update);
  type.addEventListener("change", update);
  update();
}

const page = setup();
if (page) linksPage(page);
