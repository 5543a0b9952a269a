/* A classic script, not a module: it must run before the clinic's own script,
   which follows it (modules run only once the page is parsed). */
(function (win) {
  "use strict";

  // Scripts written for the original booking page read `e.path` (gone from Chromium 109).
  if (win.Event && !("path" in win.Event.prototype) && win.Event.prototype.composedPath) {
    Object.defineProperty(win.Event.prototype, "path", {
      configurable: true,
      get: function () { return this.composedPath(); }
    });
  }

  // in a frame the page's height sets the frame's: no viewport-sized reserve (ledig.css)
  var root = win.document.documentElement;
  if (root && win.parent && win.parent !== win) root.className += " framed";

  var node = win.document.getElementById("ledig-config");
  var tr = node ? JSON.parse(node.textContent).tracking || {} : {};
  win.dataLayer = win.dataLayer || [];
  function gtag() { win.dataLayer.push(arguments); }
  if (typeof win.gtag !== "function") win.gtag = gtag;
  if (!tr.ga) return;

  // GA4 with Consent Mode v2: the defaults go first, before any tag can read them.
  var choice = null;
  try { choice = win.localStorage.getItem("ledig-consent"); } catch { /* blocked */ }
  gtag("consent", "default", {
    ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied",
    analytics_storage: tr.consent === "none" || choice === "granted" ? "granted" : "denied",
    wait_for_update: 500
  });
  gtag("js", new Date());
  gtag("config", tr.ga, {page_location: tr.page_location, page_title: tr.page_title});
  var tag = win.document.createElement("script");
  tag.async = true;
  tag.src = "https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(tr.ga);
  win.document.head.appendChild(tag);
})(window);
