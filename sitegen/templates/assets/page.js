/* Every page's start: its configuration (sitegen's JSON block), height, consent, tracking. */

import {askConsent, CONSENT_KEY, needsBanner, store} from "./consent.js";
import {$, usePhone} from "./dom.js";
import {poster, reportHeight} from "./embed.js";
import {texts} from "./format.js";
import {gtagOf, tracker} from "./tracking.js";

export function setup() {
  const node = document.getElementById("ledig-config");
  if (!node) return null;
  const cfg = JSON.parse(node.textContent);
  usePhone(cfg.phone);
  const post = poster(window), gtag = gtagOf(window);
  if (window.parent !== window) reportHeight(window, post);
  // the snippet shows a plain link without it
  post({type: "ledig:ready", clinic: cfg.slug});
  if (needsBanner(cfg.tracking || {}, store(CONSENT_KEY))) askConsent($("#consent"), gtag);
  return {cfg, T: cfg.t || {}, text: texts(cfg), track: tracker(cfg, gtag, post)};
}
