/* The booking page (entry): the slot picker (steps.js), the details form, confirm and
   receipt; the wait list's form is loaded only when asked for. */

import {client} from "./api.js";
import {$, $$, make, message, phoneLink, row} from "./dom.js";
import {check, FIELDS, idTypeOf, patient} from "./fields.js";
import {canSearchAgain, clinicInfo, freshTypes, insideDeadline} from "./flow.js";
import {fmt} from "./format.js";
import {setup} from "./page.js";
import {onChange, put, token} from "./session.js";
import {picker} from "./steps.js";

function bookingPage({cfg, T, text, track}) {
  const ctx = {offers: cfg.offers, calendars: cfg.calendars, types: cfg.types,
               preset: cfg.preset || {}, send_names: !!(cfg.tracking || {}).send_names};
  const api = client(cfg.api);
  const form = $("#details-form"), idType = $("#id_type"), idInput = $("#national_id");
  const detailsErr = $("#details-error"), wlButton = $("#waitlist-open");
  // a logged-in patient (docs/patient-login.md, patient.js) books without typing their identity
  const session = () => token(cfg.slug);
  const identity = () => { [idType, idInput].forEach((el) => { el.closest(".field").hidden = !!session(); }); };
  onChange(identity);
  identity();
  let info = null, flow = null, back = null, got = null, loading = null;

  // The wait list's form: its own module, fetched the first time it is wanted.
  function openWaitlist() {
    const s = flow.state();
    import("./waitlist.js").then((m) => m.open({cfg, T, text, api, track, info,
                                                type: s.type, calendar: s.calendar}),
                                 () => message($("#waitlist-msg"), text.error("network")));
  }
  wlButton.addEventListener("click", openWaitlist);

  const page = {
    confirmLabel: T.confirm,
    post: (fx) => api("POST", "/bookings", fx.body, session()).then((res) => {
      if (res.status === 401 && session()) put(cfg.slug, "");
      return res;
    }),
    confirm: fillConfirm,
    receipt,
    noSlots(s, box) {
      const actions = canSearchAgain(s) ? [[T.change, () => flow.dispatch({type: "search_again"})]] : [];
      if (info && info.waitlist) actions.push([T.waitlist_join, openWaitlist]);
      message(box, T.no_slots, text.say("no_slots_hint"), actions);
    },
    render(prev, s, event) {
      // Back, Forward, a reload (back.js): fetched with the patient's first step
      if (back) back(prev, s, event);
      else if (prev.step && prev.step !== s.step) keepPlace().then((f) => f(prev, s, event));
      if (prev.fieldErrors !== s.fieldErrors && s.fieldErrors.length) showFieldErrors(s);
      if (s.step === "details" && (prev.step !== s.step || prev.type !== s.type)) emailRule(s.type);
      if (prev.info !== s.info || prev.step !== s.step) {
        wlButton.hidden = !(s.info && s.info.waitlist) || s.step === "receipt";
      }
    },
  };

  /* the patient's details, checked as they type */
  function setMsg(name, words, ok) {
    const input = $("#" + name), msg = $("#" + name + "-msg");
    msg.textContent = words || "";
    msg.className = "msg" + (ok ? " ok" : words ? " error" : "");
    if (words && !ok) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  // the channels the chosen type confirms on (docs/notifications.md)
  const notifyOf = (type) => (cfg.types[type] || {}).notify || ["email"];
  const opts = () => ({idType: idType.value, identity: window.ledigIdentity, testMode: cfg.test_mode,
                       emailOptional: !notifyOf((flow ? flow.state() : {}).type).includes("email")});

  // Before anything is typed, the e-mail field says whether it is needed and why: the
  // type confirms by e-mail, or the confirmation comes by SMS (or not at all).
  function emailRule(type) {
    const notify = notifyOf(type), needed = notify.includes("email");
    $("#email").required = needed;
    $("#email-hint").textContent = needed ? T.email_needed
      : notify.includes("sms") ? T.email_optional_sms : T.email_optional;
  }

  function checkField(name, final) {
    const r = check(name, $("#" + name).value, final, opts());
    setMsg(name, r.key ? T[r.key] : "", r.ok);
    return r.valid;
  }

  function showFieldErrors(s) {
    s.fieldErrors.forEach((e) => { if ($("#" + e.name + "-msg")) setMsg(e.name, e.message); });
    detailsErr.textContent = T.err_validation;
    detailsErr.hidden = false;
  }

  // Check on leaving a field (not for the submit button: a message appearing would
  // move it away from the click), clear an error as soon as the typing fixes it.
  // The list follows the number as it is typed; a kind chosen in the list afterwards is
  // the patient's own (and checked against the number).
  idInput.addEventListener("input", () => {
    const kind = idTypeOf(idInput.value, opts());
    if (kind) idType.value = kind;
    checkField("national_id", false);
  });
  idType.addEventListener("change", () => { if (idInput.value.trim()) checkField("national_id", true); });
  FIELDS.forEach((n) => {
    const input = $("#" + n);
    input.addEventListener("blur", (e) => {
      if (e.relatedTarget && e.relatedTarget.type === "submit") return;
      if (input.value.trim()) checkField(n, true);
    });
    if (n !== "national_id") {
      input.addEventListener("input", () => {
        if (input.getAttribute("aria-invalid") === "true") checkField(n, false);
      });
    }
  });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const bad = FIELDS.filter((n) => !(n === "national_id" && session()) && !checkField(n, true));
    if (bad.length) {
      detailsErr.textContent = T.fix_fields;
      detailsErr.hidden = false;
      $("#" + bad[0]).focus();
      return;
    }
    detailsErr.hidden = true;
    const values = {id_type: idType.value};
    FIELDS.forEach((n) => { values[n] = $("#" + n).value; });
    flow.dispatch({type: "details", details: patient(values)});
  });

  /* confirm, and the receipt */
  const place = (s) => cfg.types[s.type].address || cfg.address;

  // Too close to the time to cancel or move it online: the confirm step says so, and
  // the receipt promises no cancel link.
  const late = (s, now) => insideDeadline(s.slot.start, cfg.types[s.type].cancel_hours, now);

  function fillConfirm(s, now) {
    const dl = $("#summary"), d = s.details, k = cfg.types[s.type];
    $("#confirm-late").hidden = !late(s, now);
    dl.textContent = "";
    row(dl, T.when, text.when(s.slot.start));
    row(dl, T.who, text.calendar(s.slot.calendar));
    row(dl, T.what, text.type(s.type));
    row(dl, T.place, place(s));
    row(dl, T.name, d.first_name + " " + d.last_name);
    if (!session()) row(dl, T[d.id_type], d.national_id.replace(/[\s-]/g, "").slice(0, 6) + " *****");
    row(dl, T.mobile, d.phone);
    row(dl, T.email, d.email);
    const info = $("#confirm-info");
    info.textContent = k.info || "";
    info.hidden = !k.info;
  }

  function receipt(s, now) {
    const b = s.booking.booking, k = cfg.types[s.type];
    const link = cfg.cancel_url + "#" + b.id + "." + s.booking.cancel_token;
    const where = b.address || place(s);
    const dl = $("#receipt-summary");
    dl.textContent = "";
    row(dl, T.when, text.when(b.start));
    row(dl, T.place, where);
    row(dl, T.who, text.calendar(b.calendar));
    row(dl, T.what, k.name);
    const a = $("#cancel-link");
    a.href = link;
    a.textContent = link;
    $("#cancel-deadline").textContent = fmt(T.receipt_cancel_deadline, {hours: k.cancel_hours});
    const tooLate = late(s, now);
    $("#receipt-cancel").hidden = tooLate;
    const lateBox = $("#receipt-late");
    lateBox.hidden = !tooLate;
    if (tooLate) phoneLink(lateBox, text.say("receipt_late"), cfg.phone);
    $("#receipt-sent").hidden = !k.notify.length;
    // the .ics, made by a module fetched only now (the link shows once it is there)
    const ics = $("#ics");
    ics.hidden = true;
    import("./ics.js").then((m) => {
      const file = m.calendarFile({booking: b, kind: k, clinic: cfg.name, place: where,
                                   link: tooLate ? "" : link, now: new Date()});
      ics.href = URL.createObjectURL(new Blob([file], {type: "text/calendar"}));
      ics.hidden = false;
    }, () => null);
    form.reset();
    idInput.value = "";
  }

  // a type's button as the endpoint's current clinic file describes it
  function showType(id) {
    const k = cfg.types[id], b = $("#step-type [data-value=\"" + id + "\"]");
    if (!b) return;
    const subs = $$(".sub", b);
    $(".type", b).textContent = k.name;
    subs[0].textContent = fmt(T.minutes, {n: k.duration}) +
      (k.price != null ? " · " + fmt(T.price, {price: k.price}) : "");
    subs[1].textContent = T.place + ": " + (k.address || cfg.address);
    let extra = $(".info", b);
    if (!extra && k.info) extra = b.appendChild(make("span", "info"));
    if (extra) { extra.textContent = k.info; extra.hidden = !k.info; }
  }

  const query = new URLSearchParams(window.location.search);
  flow = picker({cfg, T, text, track, api, ctx, page,
                 query: {calendar: query.get("calendar"), type: query.get("type")}});
  // What the clinic's file says now (holds, the wait list): fetched once, beside the days.
  got = api("GET", "").then((res) => {
    if (!res.ok) return;
    info = clinicInfo(res.body);
    if (res.body.version && cfg.version && res.body.version !== cfg.version) {
      freshTypes(cfg.types, res.body.types).forEach(showType);
    }
    flow.dispatch({type: "info", info});
  }, () => null);
  // a reload or Back/Forward into the page (not a new visit): back to the place kept
  const nav = (window.performance.getEntriesByType("navigation")[0] || {}).type;
  if (nav && nav !== "navigate") keepPlace();

  function keepPlace() {
    return loading || (loading = import("./back.js").then((m) => (back = m.keep({
      cfg, ctx, flow, api, info: got, session, opts, restore: nav !== "navigate"})),
    () => { loading = null; return () => null; }));
  }
}

const page = setup();
if (page) bookingPage(page);
