/* Tracking events, to GA4 (set up by boot.js) and to the parent page; never
   personal data (docs/site.md, Tracking). */

// as Google's snippet: the arguments object goes on the dataLayer
export function gtagOf(win) {
  win.dataLayer = win.dataLayer || [];
  return function gtag() { win.dataLayer.push(arguments); };
}

export function eventParams(cfg, params) {
  const tr = cfg.tracking || {}, p = {clinic: cfg.slug};
  if (tr.link) p.booking_link = tr.link;
  return Object.assign(p, params);
}

export function tracker(cfg, gtag, post) {
  const ga = (cfg.tracking || {}).ga;
  return function track(name, params) {
    const p = eventParams(cfg, params);
    if (ga) gtag("event", name, p);
    post({type: "ledig:" + name, ...p});
  };
}
