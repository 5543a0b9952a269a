/* The booking page (entry): shows flow.js's state, sends it events, runs its effects. */

import {client, slotsPath} from "./api.js";
import {$, $$, make, message, row, say} from "./dom.js";
import {check, FIELDS, patient} from "./fields.js";
import {canSearchAgain, dayOf, layout, next, start, STEPS, visible} from "./flow.js";
import {fmt} from "./format.js";
import {calendarFile} from "./ics.js";
import {setup} from "./page.js";

function bookingPage({cfg, T, text, track}) {
  const ctx = {offers: cfg.offers, calendars: cfg.calendars, types: cfg.types,
               preset: cfg.preset || {}, send_names: !!(cfg.tracking || {}).send_names};
  const api = client(cfg.api);
  const sections = {};
  STEPS.forEach((s) => { sections[s] = $("#step-" + s); });
  const daysBox = $("#days"), slotsBox = $("#slots"), dayMsg = $("#day-msg");
  const form = $("#details-form"), idType = $("#id_type"), idInput = $("#national_id");
  const detailsErr = $("#details-error");
  const confirmBtn = $("#confirm"), confirmErr = $("#confirm-error");
  // the calendar and type buttons: [event type, value, button]
  const choices = ["calendar", "type"].flatMap((k) => $$("#step-" + k + " [data-value]")
    .map((b) => [k, b.getAttribute("data-value"), b]));
  let state = {};

  const dispatch = (event) => apply(next(ctx, state, event));

  function apply(out) {
    const prev = state;
    state = out.state;
    if (state !== prev) render(prev, state);
    out.effects.forEach(run);
  }

  function run(fx) {
    if (fx.type === "track") track(fx.name, fx.params);
    else if (fx.type === "say") say(T[fx.key]);
    else if (fx.type === "reload") window.location.reload();
    else if (fx.type === "focus") {
      const target = fx.target === "error" ? confirmErr
        : fx.target === "field" ? $("#details-form [aria-invalid=true]") || $("h2", sections.details)
          : $("h2", sections[fx.target]);
      target.focus();
    } else if (fx.type === "fetch_days") {
      api("GET", slotsPath(fx.kind, fx.calendar)).then((res) => dispatch(res.ok
        ? {type: "days_loaded", key: fx.key, days: res.body.days || []}
        : {type: "days_failed", key: fx.key, code: res.body.code}),
      () => dispatch({type: "days_failed", key: fx.key, code: "network"}));
    } else if (fx.type === "post_booking") {
      api("POST", "/bookings", fx.body).then(
        (res) => dispatch({type: "answer", status: res.status, body: res.body}),
        () => dispatch({type: "answer", network: true}));
    }
  }

  /* ---- showing the state ---- */

  function summary(s, step) {
    switch (step) {
      case "calendar": return text.calendar(s.calendar);
      case "type": return text.type(s.type);
      case "day": return text.day(s.day);
      case "slot":
        return text.time(s.slot.start) +
          (s.calendar ? "" : " " + fmt(T["with"], {name: cfg.calendars[s.slot.calendar].name}));
      case "details": return s.details.first_name + " " + s.details.last_name;
    }
    return "";
  }

  function render(prev, s) {
    const v = visible(ctx, s);
    choices.forEach(([kind, id, b]) => {
      b.hidden = kind === "type" ? !v.types.includes(id)
        : id === "" ? !v.firstAvailable : !v.calendars.includes(id);
    });
    layout(s).forEach((r) => {
      const sec = sections[r.id];
      if (!sec) return;
      const done = $(".done", sec), body = $(".body", sec);
      sec.classList.toggle("active", r.active);
      sec.classList.toggle("complete", r.complete);
      sec.hidden = !r.shown;
      if (body) body.hidden = !r.open;
      if (!done) return;
      done.hidden = !r.done;
      if (r.done) {
        $(".done-text", done).textContent = summary(s, r.id);
        const change = $(".change", done);
        if (change) change.hidden = !r.changeable;
      }
    });
    const entered = (step) => s.step === step && prev.step !== step;
    if (s.step === "day" && (entered("day") || prev.days !== s.days ||
                             prev.daysStatus !== s.daysStatus)) renderDays(s);
    if (s.step === "slot" && (entered("slot") || prev.day !== s.day)) renderSlots(s);
    if (prev.fieldErrors !== s.fieldErrors && s.fieldErrors.length) showFieldErrors(s);
    if (entered("confirm")) fillConfirm(s);
    if (prev.error !== s.error) {
      if (s.error) {
        message(confirmErr, text.error(s.error.code), null,
                s.error.actions.map((a) => [T[a.label], () => dispatch({type: a.event})]));
      } else confirmErr.hidden = true;
      confirmBtn.hidden = !!s.error && !s.error.retry;
    }
    if (prev.sending !== s.sending) {
      confirmBtn.disabled = s.sending;
      confirmBtn.textContent = s.sending ? T.sending : T.confirm;
    }
    if (entered("receipt")) receipt(s);
  }

  /* days and slots, live from the endpoint */
  function renderDays(s) {
    daysBox.textContent = "";
    if (s.daysStatus === "loading") return message(dayMsg, T.loading);
    if (s.daysStatus === "failed") {
      return message(dayMsg, text.error(s.daysError), null,
                     [[T.try_again, () => dispatch({type: "retry_days"})]]);
    }
    if (!s.days.length) {
      return message(dayMsg, T.no_slots, text.say("no_slots_hint"),
                     canSearchAgain(s) ? [[T.change, () => dispatch({type: "search_again"})]] : []);
    }
    dayMsg.hidden = true;
    s.days.forEach((d) => {
      const b = make("button", "choice day booking-form-date");
      b.type = "button";
      b.appendChild(make("span", "main", text.day(d.date)));
      b.appendChild(make("span", "sub", fmt(d.slots.length === 1 ? T.free_count_one : T.free_count, {n: d.slots.length})));
      b.addEventListener("click", () => dispatch({type: "day", date: d.date}));
      daysBox.appendChild(b);
    });
  }

  function renderSlots(s) {
    slotsBox.textContent = "";
    const day = dayOf(s);
    (day ? day.slots : []).forEach((slot, i) => {
      const b = make("button", "choice slot ant-btn");
      let item = b;
      b.type = "button";
      b.appendChild(make("span", "main", text.time(slot.start)));
      if (!s.calendar) {
        // "hos <name>" stays out of the innerText the seed's script sends for an .ant-btn:
        // shown beside the button as its description; a copy drawn by CSS sizes it.
        const who = fmt(T["with"], {name: cfg.calendars[slot.calendar].name});
        item = make("div", "slot-item");
        const ghost = make("span", "sub ghost");
        ghost.setAttribute("data-text", who);
        b.appendChild(ghost);
        const desc = make("span", "sub slot-with", who);
        desc.id = "slot-with-" + i;
        b.setAttribute("aria-describedby", desc.id);
        item.appendChild(b);
        item.appendChild(desc);
      }
      b.addEventListener("click", () => dispatch({type: "slot", slot}));
      slotsBox.appendChild(item);
    });
  }

  /* the patient's details, checked as they type */
  function setMsg(name, words, ok) {
    const input = $("#" + name), msg = $("#" + name + "-msg");
    msg.textContent = words || "";
    msg.className = "msg" + (ok ? " ok" : words ? " error" : "");
    if (words && !ok) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function checkField(name, final) {
    const r = check(name, $("#" + name).value, final,
                    {idType: idType.value, identity: window.ledigIdentity, testMode: cfg.test_mode,
                     emailOptional: !((cfg.types[state.type] || {}).notify || ["email"]).includes("email")});
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
  idInput.addEventListener("input", () => checkField("national_id", false));
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
    const bad = FIELDS.filter((n) => !checkField(n, true));
    if (bad.length) {
      detailsErr.textContent = T.fix_fields;
      detailsErr.hidden = false;
      $("#" + bad[0]).focus();
      return;
    }
    detailsErr.hidden = true;
    const values = {id_type: idType.value};
    FIELDS.forEach((n) => { values[n] = $("#" + n).value; });
    dispatch({type: "details", details: patient(values)});
  });

  /* confirm, and the receipt */
  const place = (s) => cfg.types[s.type].address || cfg.address;

  function fillConfirm(s) {
    const dl = $("#summary"), d = s.details, k = cfg.types[s.type];
    dl.textContent = "";
    row(dl, T.when, text.when(s.slot.start));
    row(dl, T.who, text.calendar(s.slot.calendar));
    row(dl, T.what, text.type(s.type));
    row(dl, T.place, place(s));
    row(dl, T.name, d.first_name + " " + d.last_name);
    row(dl, T[d.id_type], d.national_id.replace(/[\s-]/g, "").slice(0, 6) + " *****");
    row(dl, T.mobile, d.phone);
    row(dl, T.email, d.email);
    const info = $("#confirm-info");
    info.textContent = k.info || "";
    info.hidden = !k.info;
  }

  confirmBtn.addEventListener("click", () => dispatch({type: "confirm"}));

  function receipt(s) {
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
    $("#receipt-sent").hidden = !k.notify.length;
    const file = calendarFile({booking: b, kind: k, clinic: cfg.name, place: where, link,
                               now: new Date()});
    $("#ics").href = URL.createObjectURL(new Blob([file], {type: "text/calendar"}));
    form.reset();
    idInput.value = "";
  }

  $$(".change").forEach((b) => {
    b.addEventListener("click", () => dispatch({type: "change", step: b.getAttribute("data-change")}));
  });
  choices.forEach(([type, value, b]) => b.addEventListener("click", () => dispatch({type, value})));

  const query = new URLSearchParams(window.location.search);
  apply(start(ctx, {calendar: query.get("calendar"), type: query.get("type")}));
}

const page = setup();
if (page) bookingPage(page);
