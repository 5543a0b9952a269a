/* ledig: the booking flow, the cancellation page and the admin's link page.
   Our own code, no framework. The page's settings come from the JSON block
   <script type="application/json" id="ledig-config"> written by sitegen. */
(function () {
  "use strict";

  // Scripts written for the original booking page read `e.path` (gone from Chromium 109).
  if (window.Event && !("path" in Event.prototype) && Event.prototype.composedPath) {
    Object.defineProperty(Event.prototype, "path", {
      configurable: true,
      get: function () { return this.composedPath(); }
    });
  }

  var node = document.getElementById("ledig-config");
  if (!node) return;
  var cfg = JSON.parse(node.textContent);
  var T = cfg.t || {};
  var embedded = window.parent !== window;

  // Own properties only: a query's ?calendar=constructor must not find Object's.
  function has(o, k) { return o != null && Object.prototype.hasOwnProperty.call(o, k); }
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function fmt(s, o) {
    return String(s).replace(/\{(\w+)\}/g, function (m, k) { return o && o[k] != null ? o[k] : m; });
  }
  function make(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function store(key, value) {
    try {
      if (value === undefined) return window.localStorage.getItem(key);
      window.localStorage.setItem(key, value);
    } catch (e) { /* storage blocked (third-party iframe): ask again next time */ }
    return null;
  }
  function post(msg) {
    // Steps and height only: never personal data, so any parent may listen.
    if (embedded) { try { window.parent.postMessage(msg, "*"); } catch (e) { /* detached */ } }
  }

  /* ---- tracking: GA4 with Consent Mode v2, and postMessage to the parent ---- */
  var tr = cfg.tracking || {};
  window.dataLayer = window.dataLayer || [];
  function gtag() { window.dataLayer.push(arguments); }
  if (typeof window.gtag !== "function") window.gtag = gtag;

  if (tr.ga) {
    var choice = store("ledig-consent");
    var granted = tr.consent === "none" || choice === "granted";
    gtag("consent", "default", {
      ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied",
      analytics_storage: granted ? "granted" : "denied", wait_for_update: 500
    });
    gtag("js", new Date());
    gtag("config", tr.ga, {page_location: tr.page_location, page_title: tr.page_title});
    var tag = document.createElement("script");
    tag.async = true;
    tag.src = "https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(tr.ga);
    document.head.appendChild(tag);
    if (tr.consent === "banner" && !choice) askConsent();
  }

  function track(name, params) {
    var p = {clinic: cfg.slug};
    if (tr.link) p.booking_link = tr.link;
    for (var k in params || {}) p[k] = params[k];
    if (tr.ga) gtag("event", name, p);
    var msg = {type: "ledig:" + name};
    for (k in p) msg[k] = p[k];
    post(msg);
  }

  function askConsent() {
    var box = $("#consent");
    if (!box) return;
    box.hidden = false;
    $$("[data-consent]", box).forEach(function (b) {
      b.addEventListener("click", function () {
        var v = b.getAttribute("data-consent");
        store("ledig-consent", v);
        if (v === "granted") gtag("consent", "update", {analytics_storage: "granted"});
        box.hidden = true;
        var h = $(".step.active h2") || $("h1");
        if (h) h.focus();
      });
    });
  }

  if (embedded) {
    var lastHeight = 0;
    var resize = function () {
      var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (h !== lastHeight) { lastHeight = h; post({type: "ledig:resize", height: h}); }
    };
    if (window.ResizeObserver) new ResizeObserver(resize).observe(document.documentElement);
    else window.setInterval(resize, 400);
    window.addEventListener("load", resize);
    resize();
  }

  /* ---- talking to the endpoint ---- */
  function api(method, path, body, token) {
    var opts = {method: method, headers: {Accept: "application/json"}, credentials: "omit",
                cache: "no-store"};
    if (body) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    if (token) opts.headers.Authorization = "Bearer " + token;
    return fetch(cfg.api + path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        return {ok: r.ok, status: r.status, body: b || {}};
      });
    });
  }

  var dayFmt = new Intl.DateTimeFormat(T.locale, {weekday: "long", day: "numeric", month: "long",
                                                 timeZone: "UTC"});
  var timeFmt = new Intl.DateTimeFormat(T.locale, {hour: "2-digit", minute: "2-digit",
                                                  timeZone: cfg.tz});
  var longFmt = new Intl.DateTimeFormat(T.locale, {weekday: "long", day: "numeric", month: "long",
                                                  year: "numeric", timeZone: cfg.tz});
  function dayLabel(iso) { return dayFmt.format(new Date(iso + "T12:00:00Z")); }
  function whenLabel(start) {
    var d = new Date(start);
    return longFmt.format(d) + " " + timeFmt.format(d);
  }
  function say(text) {
    var live = $("#live");
    if (live) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 50); }
  }
  function phoneLink() { return cfg.phone || ""; }

  var page = document.body.getAttribute("data-page");
  if (page === "booking") bookingPage();
  else if (page === "cancel") cancelPage();
  else if (page === "links") linksPage();

  /* ---- the booking flow ---- */
  function bookingPage() {
    var STEPS = ["calendar", "type", "day", "slot", "details", "confirm", "receipt"];
    var sections = {};
    STEPS.forEach(function (s) { sections[s] = $("#step-" + s); });
    var state = {calendar: null, type: null, day: null, slot: null, details: null,
                 days: null, daysKey: null, locked: {}, auto: {}, sending: false, current: null};
    var preset = cfg.preset || {};
    var query = new URLSearchParams(window.location.search);

    function offered(cal) {
      if (cal) return has(cfg.offers, cal) ? cfg.offers[cal] : [];
      var all = [];
      for (var c in cfg.offers) all = all.concat(cfg.offers[c]);
      return all;
    }
    function calendarsFor(type) {
      return Object.keys(cfg.offers).filter(function (c) {
        return !type || cfg.offers[c].indexOf(type) !== -1;
      });
    }

    // Preselection: the link's choices are locked; ?calendar=&type= may be changed.
    var qc = query.get("calendar"), qt = query.get("type");
    if (preset.calendar) { state.calendar = preset.calendar; state.locked.calendar = true; }
    else if (qc && has(cfg.offers, qc)) state.calendar = qc;
    if (preset.type) { state.type = preset.type; state.locked.type = true; }
    else if (qt && has(cfg.types, qt) && offered(state.calendar).indexOf(qt) !== -1) state.type = qt;
    var typeFirst = state.type !== null;

    function names() { return !!tr.send_names; }

    function calendarText(id) {
      if (!id) return T.first_available;
      var c = cfg.calendars[id];
      return c.name + (c.title ? ", " + c.title : "");
    }
    function typeText(id) {
      var k = cfg.types[id];
      var parts = [k.name, fmt(T.minutes, {n: k.duration})];
      if (k.price != null) parts.push(fmt(T.price, {price: k.price}));
      return parts.join(" · ");
    }

    function filterChoices() {
      var cals = calendarsFor(typeFirst ? state.type : null);
      $$("#step-calendar [data-value]").forEach(function (b) {
        var v = b.getAttribute("data-value");
        b.hidden = v === "" ? cals.length < 2 : cals.indexOf(v) === -1;
      });
      var types = offered(state.calendar);
      $$("#step-type [data-value]").forEach(function (b) {
        b.hidden = types.indexOf(b.getAttribute("data-value")) === -1;
      });
      if (state.calendar === null && cals.length === 1) {
        state.calendar = cals[0];
        state.auto.calendar = true;
      }
      if (state.type === null && state.calendar !== null) {
        var uniq = types.filter(function (t, i) { return types.indexOf(t) === i; });
        if (uniq.length === 1) { state.type = uniq[0]; state.auto.type = true; }
      }
    }

    function nextStep() {
      if (state.calendar === null) return "calendar";
      if (state.type === null) return "type";
      if (state.day === null) return "day";
      if (state.slot === null) return "slot";
      if (state.details === null) return "details";
      return "confirm";
    }

    function summary(step) {
      switch (step) {
        case "calendar": return calendarText(state.calendar);
        case "type": return typeText(state.type);
        case "day": return dayLabel(state.day);
        case "slot":
          return timeFmt.format(new Date(state.slot.start)) +
            (state.calendar ? "" : " " + fmt(T["with"], {name: cfg.calendars[state.slot.calendar].name}));
        case "details": return state.details.first_name + " " + state.details.last_name;
      }
      return "";
    }

    function show(step, focus) {
      var at = STEPS.indexOf(step);
      state.current = step;
      STEPS.forEach(function (s, i) {
        var sec = sections[s];
        if (!sec) return;
        var done = $(".done", sec), body = $(".body", sec);
        sec.classList.toggle("active", i === at);
        sec.classList.toggle("complete", i < at);
        if (step === "receipt") {
          sec.hidden = s !== "receipt";
          if (body) body.hidden = s !== "receipt";
          if (done) done.hidden = true;
          return;
        }
        sec.hidden = i > at;
        if (body) body.hidden = i !== at;
        if (done) {
          done.hidden = i >= at;
          if (i < at) {
            $(".done-text", done).textContent = summary(s);
            var change = $(".change", done);
            if (change) change.hidden = !!(state.locked[s] || state.auto[s]);
          }
        }
      });
      if (step === "day") loadDays();
      if (step === "confirm") fillConfirm();
      if (focus) {
        var h = $("h2", sections[step]);
        h.focus();
      }
    }

    function go(focus) { filterChoices(); show(nextStep(), focus); }

    // Going back to a step forgets it and what depends on it. The type survives a new
    // calendar that offers it too, a link's fixed choices survive everything, and the
    // details are kept (no typing them again after changing the time).
    function reset(step) {
      var at = STEPS.indexOf(step);
      if (at <= 0) state.calendar = null;
      if (at === 1 && !state.locked.type) { state.type = null; typeFirst = false; }
      if (at <= 3) state.slot = null;
      if (at <= 2) state.day = null;
      if (step === "details") state.details = null;
      STEPS.slice(at).forEach(function (s) { delete state.auto[s]; });
    }

    $$(".change").forEach(function (b) {
      b.addEventListener("click", function () {
        reset(b.getAttribute("data-change"));
        go(true);
      });
    });

    $$("#step-calendar [data-value]").forEach(function (b) {
      b.addEventListener("click", function () {
        state.calendar = b.getAttribute("data-value");
        if (!state.locked.type && offered(state.calendar).indexOf(state.type) === -1) {
          state.type = null;
        }
        state.day = state.slot = null;
        var p = {first_available: state.calendar === ""};
        if (names() && state.calendar) p.calendar_name = cfg.calendars[state.calendar].name;
        track("select_calendar", p);
        go(true);
      });
    });

    $$("#step-type [data-value]").forEach(function (b) {
      b.addEventListener("click", function () {
        state.type = b.getAttribute("data-value");
        state.day = state.slot = null;
        track("select_type", names() ? {type_name: cfg.types[state.type].name} : {});
        go(true);
      });
    });

    /* days and slots, live from the endpoint */
    var daysBox = $("#days"), slotsBox = $("#slots"), dayMsg = $("#day-msg");

    function message(box, text, hint, actions) {
      box.textContent = "";
      box.appendChild(make("p", null, text));
      if (hint) box.appendChild(make("p", null, hint));
      (actions || []).forEach(function (a) {
        var b = make("button", "btn ant-btn", a[0]);
        b.type = "button";
        b.addEventListener("click", a[1]);
        box.appendChild(b);
      });
      box.hidden = false;
    }

    function loadDays() {
      var key = state.calendar + "|" + state.type;
      if (state.daysKey === key && state.days) { renderDays(); return; }
      daysBox.textContent = "";
      message(dayMsg, T.loading);
      state.days = null;
      var q = "?type=" + encodeURIComponent(state.type) +
        (state.calendar ? "&calendar=" + encodeURIComponent(state.calendar) : "");
      api("GET", "/slots" + q).then(function (res) {
        if (key !== state.calendar + "|" + state.type) return;
        if (!res.ok) {
          return message(dayMsg, errorText(res.body.code), null,
                         [[T.try_again, loadDays]]);
        }
        state.days = (res.body.days || []).filter(function (d) { return d.slots.length; });
        state.daysKey = key;
        renderDays();
        var want = state.wantDay;
        state.wantDay = null;
        if (want && state.days.some(function (d) { return d.date === want; })) chooseDay(want, true);
      }, function () {
        message(dayMsg, T.err_network, null, [[T.try_again, loadDays]]);
      });
    }

    function renderDays() {
      daysBox.textContent = "";
      if (!state.days.length) {
        var back = state.locked.type && state.locked.calendar ? [] :
          [[T.change, function () {
            reset(state.locked.calendar || state.auto.calendar ? "type" : "calendar");
            go(true);
          }]];
        message(dayMsg, T.no_slots, fmt(T.no_slots_hint, {phone: phoneLink()}), back);
        say(T.no_slots);
        return;
      }
      dayMsg.hidden = true;
      state.days.forEach(function (d) {
        var b = make("button", "choice day booking-form-date");
        b.type = "button";
        b.appendChild(make("span", "main", dayLabel(d.date)));
        b.appendChild(make("span", "sub", fmt(T.free_count, {n: d.slots.length})));
        b.addEventListener("click", function () { chooseDay(d.date); });
        daysBox.appendChild(b);
      });
    }

    function chooseDay(date, again) {
      state.day = date;
      state.slot = null;
      if (!again) track("select_date", {});
      renderSlots();
      go(true);
    }

    function renderSlots() {
      slotsBox.textContent = "";
      var day = (state.days || []).filter(function (d) { return d.date === state.day; })[0];
      (day ? day.slots : []).forEach(function (s, i) {
        var b = make("button", "choice slot ant-btn"), item = b;
        b.type = "button";
        b.appendChild(make("span", "main", timeFmt.format(new Date(s.start))));
        if (!state.calendar) {
          // "hos <name>" stays out of the button's innerText, which the seed's tracking
          // script sends on every click of an .ant-btn: the visible text lies over the
          // button, outside it, as its description; inside, a hidden copy drawn by CSS
          // (no text node: not in innerText, nor read out) gives the button its size.
          var who = fmt(T["with"], {name: cfg.calendars[s.calendar].name});
          item = make("div", "slot-item");
          var ghost = make("span", "sub ghost");
          ghost.setAttribute("data-text", who);
          b.appendChild(ghost);
          var desc = make("span", "sub slot-with", who);
          desc.id = "slot-with-" + i;
          b.setAttribute("aria-describedby", desc.id);
          item.appendChild(b);
          item.appendChild(desc);
        }
        b.addEventListener("click", function () {
          state.slot = s;
          track("select_slot", {});
          go(true);
        });
        slotsBox.appendChild(item);
      });
    }

    /* the patient's details, checked as they type */
    var form = $("#details-form");
    var fields = ["national_id", "first_name", "last_name", "phone", "email"];
    var idType = $("#id_type"), idInput = $("#national_id");

    function setMsg(name, text, ok) {
      var input = $("#" + name), msg = $("#" + name + "-msg");
      msg.textContent = text || "";
      msg.className = "msg" + (ok ? " ok" : text ? " error" : "");
      if (text && !ok) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }

    function checkId(final) {
      var raw = idInput.value;
      var digits = raw.replace(/[^0-9]/g, "").length;
      if (!raw.trim()) { setMsg("national_id", final ? T.required : ""); return !final; }
      var r = window.ledigIdentity.validate(raw, idType.value, !!cfg.test_mode);
      if (r.valid) { setMsg("national_id", T["id_ok_" + idType.value], true); return true; }
      if (!final && digits < 11 && (r.code === "format")) { setMsg("national_id", ""); return false; }
      var text = {format: T.id_format, checksum: T.id_checksum, date: T.id_date,
                  kind_not_accepted: T.id_kind, id_type: T.id_type_missing,
                  id_type_mismatch: idType.value === "fnr" ? T.id_is_dnr : T.id_is_fnr}[r.code];
      setMsg("national_id", text);
      return false;
    }

    function checkField(name, final) {
      var v = $("#" + name).value.trim();
      if (name === "national_id") return checkId(final);
      if (!v) { setMsg(name, final ? T.required : ""); return false; }
      if (name === "phone") {
        // Norwegian: a mobile (8 digits from 4 or 9, +47/0047 optional); foreign: 8-15
        // digits after +, left to the endpoint to tell a mobile from a landline
        var p = v.replace(/[\s().-]/g, "").replace(/^00/, "+");
        var ok = /^(\+47)?[49][0-9]{7}$/.test(p) ||
          (/^\+[1-9][0-9]{7,14}$/.test(p) && p.indexOf("+47") !== 0);
        setMsg(name, ok ? "" : T.bad_phone);
        return ok;
      }
      if (name === "email") {
        var okm = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(v);
        setMsg(name, okm ? "" : T.bad_email);
        return okm;
      }
      setMsg(name, "");
      return true;
    }

    // Check on leaving a field, and clear an error as soon as the typing fixes it; not
    // when leaving for the submit button (the submit checks, and a message appearing
    // or vanishing under the pointer would move the button away from the click).
    idInput.addEventListener("input", function () { checkId(false); });
    idType.addEventListener("change", function () { if (idInput.value.trim()) checkId(true); });
    fields.forEach(function (n) {
      var input = $("#" + n);
      input.addEventListener("blur", function (e) {
        if (e.relatedTarget && e.relatedTarget.type === "submit") return;
        if (input.value.trim()) checkField(n, true);
      });
      if (n !== "national_id") {
        input.addEventListener("input", function () {
          if (input.getAttribute("aria-invalid") === "true") checkField(n, false);
        });
      }
    });

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var bad = fields.filter(function (n) { return !checkField(n, true); });
      var err = $("#details-error");
      if (bad.length) {
        err.textContent = T.fix_fields;
        err.hidden = false;
        $("#" + bad[0]).focus();
        return;
      }
      err.hidden = true;
      state.details = {
        id_type: idType.value, national_id: idInput.value,
        first_name: $("#first_name").value.trim(), last_name: $("#last_name").value.trim(),
        phone: $("#phone").value.trim(), email: $("#email").value.trim()
      };
      track("submit_details", {});
      go(true);
    });

    /* confirm, book, and the endpoint's answers */
    var confirmBtn = $("#confirm"), confirmErr = $("#confirm-error");

    function row(dl, label, value) {
      dl.appendChild(make("dt", null, label));
      dl.appendChild(make("dd", null, value));
    }

    function place() {
      return cfg.types[state.type].address || cfg.address;
    }

    function fillConfirm() {
      var dl = $("#summary");
      dl.textContent = "";
      var d = state.details, k = cfg.types[state.type];
      row(dl, T.when, whenLabel(state.slot.start));
      row(dl, T.who, calendarText(state.slot.calendar));
      row(dl, T.what, typeText(state.type));
      row(dl, T.place, place());
      row(dl, T.name, d.first_name + " " + d.last_name);
      row(dl, T[d.id_type], d.national_id.replace(/[\s-]/g, "").slice(0, 6) + " *****");
      row(dl, T.mobile, d.phone);
      row(dl, T.email, d.email);
      var info = $("#confirm-info");
      info.textContent = k.info || "";
      info.hidden = !k.info;
      confirmErr.hidden = true;
      confirmBtn.hidden = false;
    }

    function errorText(code) {
      return fmt(has(T, "err_" + code) ? T["err_" + code] : T.err_generic, {phone: phoneLink()});
    }

    // After a refusal: fresh slots, back on the same day when it still has free times.
    function pickOther() {
      state.wantDay = state.day;
      state.day = state.slot = null;
      state.daysKey = null;
      go(true);
    }

    function fail(code, actions) {
      message(confirmErr, errorText(code), null, actions);
      confirmBtn.hidden = code !== "network" && code !== "rate_limited";
      track("booking_error", {error_code: code});
      confirmErr.focus();
    }

    confirmBtn.addEventListener("click", function () {
      if (state.sending) return;
      state.sending = true;
      confirmBtn.disabled = true;
      confirmBtn.textContent = T.sending;
      confirmErr.hidden = true;
      track("submit_booking", {});
      var d = state.details;
      api("POST", "/bookings", {
        calendar: state.slot.calendar, type: state.type, start: state.slot.start,
        patient: {id_type: d.id_type, national_id: d.national_id, first_name: d.first_name,
                  last_name: d.last_name, phone: d.phone, email: d.email}
      }).then(function (res) {
        if (res.status === 201) return receipt(res.body);
        var code = res.body.code || "generic";
        if (code === "validation") return fieldErrors(res.body.errors || []);
        if (code === "max_self_booked") return fail(code, []);
        if (code === "rate_limited") return fail(code, []);
        if (code === "not_found") return fail(code, [[T.try_again, function () { window.location.reload(); }]]);
        if (res.status >= 500) return fail("generic", []);
        fail(code, [[T.pick_other, pickOther]]);
      }, function () {
        fail("network", []);
      }).then(function () {
        state.sending = false;
        confirmBtn.disabled = false;
        confirmBtn.textContent = T.confirm;
      });
    });

    function fieldErrors(errors) {
      var mine = errors.filter(function (e) { return e.field.indexOf("patient.") === 0; });
      if (!mine.length) return fail("validation", [[T.pick_other, pickOther]]);
      state.details = null;
      show("details", false);
      mine.forEach(function (e) {
        var name = e.field.slice(8);
        if (name === "id_type") name = "national_id";
        if ($("#" + name + "-msg")) setMsg(name, e.message);
      });
      var err = $("#details-error");
      err.textContent = T.err_validation;
      err.hidden = false;
      var first = $("#details-form [aria-invalid=true]");
      (first || $("h2", sections.details)).focus();
      track("booking_error", {error_code: "validation"});
    }

    function receipt(body) {
      var b = body.booking, k = cfg.types[state.type];
      var link = cfg.cancel_url + "#" + b.id + "." + body.cancel_token;
      var dl = $("#receipt-summary");
      dl.textContent = "";
      row(dl, T.when, whenLabel(b.start));
      row(dl, T.place, b.address || place());
      row(dl, T.who, calendarText(b.calendar));
      row(dl, T.what, k.name);
      var a = $("#cancel-link");
      a.href = link;
      a.textContent = link;
      $("#cancel-deadline").textContent = fmt(T.receipt_cancel_deadline, {hours: k.cancel_hours});
      $("#receipt-sent").hidden = !k.notify.length;
      var ics = $("#ics");
      ics.href = URL.createObjectURL(new Blob([calendarFile(b, k, link)], {type: "text/calendar"}));
      form.reset();
      state.details = null;
      idInput.value = "";
      track("booking_confirmed", {});
      show("receipt", true);
    }

    function icsText(s) {
      return String(s).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,")
        .replace(/\r?\n/g, "\\n");
    }
    function fold(line) {
      var out = "", bytes = 0;
      for (var i = 0; i < line.length; i++) {
        var c = line.charCodeAt(i);
        var n = c < 0x80 ? 1 : c < 0x800 ? 2 : (c >= 0xd800 && c < 0xdc00) ? 4 : (c >= 0xdc00 && c < 0xe000) ? 0 : 3;
        if (bytes + n > 74) { out += "\r\n "; bytes = 1; }
        out += line.charAt(i);
        bytes += n;
      }
      return out + "\r\n";
    }
    function utc(iso) {
      return new Date(iso).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    }
    function calendarFile(b, k, link) {
      return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ledig//booking//NO", "METHOD:PUBLISH",
        "BEGIN:VEVENT", "UID:" + b.id + "@ledig", "DTSTAMP:" + utc(new Date().toISOString()),
        "DTSTART:" + utc(b.start), "DTEND:" + utc(b.end),
        "SUMMARY:" + icsText(k.name + " – " + cfg.name),
        "LOCATION:" + icsText(b.address || place()),
        "DESCRIPTION:" + icsText((k.info ? k.info + "\n" : "") + link),
        "END:VEVENT", "END:VCALENDAR"].map(fold).join("");
    }

    track("booking_init", {});
    go(false);
  }

  /* ---- the cancellation page: the token stays in the fragment ---- */
  function cancelPage() {
    var status = $("#cancel-status"), dl = $("#cancel-summary"), btn = $("#cancel-button");
    window.addEventListener("hashchange", function () { if (window.location.hash) window.location.reload(); });
    var hash = window.location.hash.slice(1), dot = hash.indexOf(".");
    // The token now lives in memory only: out of the address bar, away from the clinic's
    // own script (baked into the page), the history and any bookmark of this page.
    if (hash && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    function done(text) { status.textContent = text; status.hidden = false; }
    if (dot < 1) return done(fmt(T.cancel_no_token, {phone: phoneLink()}));
    var id = hash.slice(0, dot), token = hash.slice(dot + 1);
    var path = "/bookings/" + encodeURIComponent(id);
    track("cancel_init", {});

    function answer(res) {
      if (res.status === 200) {
        var b = res.body.booking;
        dl.textContent = "";
        [[T.when, whenLabel(b.start)], [T.place, b.address], [T.who, b.calendar_name],
         [T.what, b.type_name]].forEach(function (r) {
          dl.appendChild(make("dt", null, r[0]));
          dl.appendChild(make("dd", null, r[1]));
        });
        dl.hidden = false;
        if (b.status === "cancelled") { btn.hidden = true; return done(T.cancel_already); }
        if (!b.cancellable) { btn.hidden = true; return done(fmt(T.cancel_too_late, {phone: phoneLink()})); }
        status.hidden = true;
        btn.hidden = false;
        return;
      }
      btn.hidden = true;
      if (res.status === 404 || res.status === 401) return done(T.cancel_not_found);
      if (res.body.code === "cancellation_deadline") return done(fmt(T.cancel_too_late, {phone: phoneLink()}));
      var code = res.body.code;
      done(fmt(has(T, "err_" + code) ? T["err_" + code] : T.err_generic, {phone: phoneLink()}));
    }

    api("GET", path, null, token).then(answer, function () { done(T.err_network); });

    btn.addEventListener("click", function () {
      btn.disabled = true;
      api("DELETE", path, null, token).then(function (res) {
        btn.disabled = false;
        if (res.status === 200) {
          btn.hidden = true;
          done(T.cancel_done);
          track("booking_cancelled", {});
          $("h1").focus();
          return;
        }
        answer(res);
      }, function () { btn.disabled = false; done(T.err_network); });
    });
  }

  /* ---- the admin's page of links: preview, copy, make a link ---- */
  function linksPage() {
    function copy(text, btn) {
      var ok = function () {
        var note = btn.parentNode.querySelector(".copied");
        if (note) { note.textContent = ""; window.setTimeout(function () { note.textContent = T.links_copied; }, 50); }
      };
      var fallback = function () {
        var area = make("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        try { document.execCommand("copy"); ok(); } catch (e) { /* nothing more to try */ }
        document.body.removeChild(area);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(ok, fallback);
      } else fallback();
    }
    document.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("button");
      if (!b) return;
      if (b.hasAttribute("data-copy")) copy(b.getAttribute("data-copy"), b);
      if (b.hasAttribute("data-copy-from")) copy($("#" + b.getAttribute("data-copy-from")).value, b);
      if (b.hasAttribute("data-preview")) {
        var box = $("#" + b.getAttribute("aria-controls"));
        var open = box.hidden;
        box.textContent = "";
        if (open) {
          var f = make("iframe");
          f.src = b.getAttribute("data-preview");
          f.title = b.getAttribute("data-title");
          box.appendChild(f);
        }
        box.hidden = !open;
        b.setAttribute("aria-expanded", String(open));
      }
    });

    var cal = $("#make-calendar"), type = $("#make-type");
    if (!cal) return;
    function esc(s) {
      return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
    }
    function update() {
      var q = [];
      if (cal.value) q.push("calendar=" + encodeURIComponent(cal.value));
      if (type.value) q.push("type=" + encodeURIComponent(type.value));
      var url = cfg.page_url + (q.length ? "?" + q.join("&") : "");
      var rel = "./" + (q.length ? "?" + q.join("&") : "");
      $("#make-url").value = url;
      $("#make-open").href = "../" + rel.slice(2);
      $("#make-copy-link").setAttribute("data-copy", url);
      $("#make-preview").setAttribute("data-preview", "../" + rel.slice(2));
      // the frame's id as sitegen's embed_id() makes it: index, then the preset
      var embed = ["index"].concat(cal.value || [], type.value || []).join("-");
      $("#make-iframe").value = cfg.iframe_template.split("\u0000URL\u0000").join(esc(url))
        .split("\u0000EMBED\u0000").join(embed);
    }
    cal.addEventListener("change", update);
    type.addEventListener("change", update);
    update();
  }
})();
