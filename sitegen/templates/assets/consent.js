/* The consent banner (Consent Mode v2; boot.js set the defaults). */

import {$, $$} from "./dom.js";

export const CONSENT_KEY = "ledig-consent";

// null when storage is blocked (a third-party iframe): ask again next time
export function store(key, value) {
  try {
    if (value === undefined) return window.localStorage.getItem(key);
    window.localStorage.setItem(key, value);
  } catch { /* storage blocked */ }
  return null;
}

export function needsBanner(tracking, choice) {
  return !!tracking.ga && tracking.consent === "banner" && !choice;
}

export function askConsent(box, gtag) {
  if (!box) return;
  box.hidden = false;
  $$("[data-consent]", box).forEach((b) => {
    b.addEventListener("click", () => {
      const v = b.getAttribute("data-consent");
      store(CONSENT_KEY, v);
      if (v === "granted") gtag("consent", "update", {analytics_storage: "granted"});
      box.hidden = true;
      const h = $(".step.active h2") || $("h1");
      if (h) h.focus();
    });
  });
}
