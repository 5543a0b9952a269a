/* The slot picker's DOM (the booking page, the cancel page's move): shows flow.js's
   state, sends it events, runs its effects. `page` gives what differs: confirmLabel,
   post(fx), confirm(s, now), receipt(s, now), noSlots(s, box), render(prev, s, event).
   → {dispatch(event), state(), apply({state, effects}, event)}: apply, a transition made
   outside flow.js's next (place.js's goto). */

import {slotsPath} from "./api.js";
import {$, $$, make, message, phoneLink, say} from "./dom.js";
import {dayOf, layout, next, start, STEPS, visible} from "./flow.js";
import {fmt} from "./format.js";

// seconds → "4:59"
export const mmss = (sec) => Math.floor(sec / 60) + ":" + String(sec % 60).padStart(2, "0");

export function picker({cfg, T, text, track, api, ctx, query, page}) {
  const sections = {};
  STEPS.forEach((k) => { sections[k] = $("#step-" + k); });
  const daysBox = $("#days"), slotsBox = $("#slots"), dayMsg = $("#day-msg");
  const confirmBtn = $("#confirm"), confirmErr = $("#confirm-error"), holdBox = $("#hold");
  const choices = ["calendar", "type"].flatMap((k) => $$("#step-" + k + " [data-value]")
    .map((b) => [k, b.getAttribute("data-value"), b]));
  let state = {}, timer = null, warned = false, skew = 0;
  // the day grid (daygrid.js, fetched beside the first days): the month shown, the
  // day that is its one tab stop
  const view = {month: null, at: null};
  const dayNav = make("div", "day-nav");
  daysBox.before(dayNav);
  let gridModule = null;
  const loadGrid = () => gridModule || (gridModule = import("./daygrid.js"));

  const dispatch = (event) => apply(next(ctx, state, event), event);
  // the endpoint's clock, as far as a hold told
  const now = () => Date.now() + skew;

  function apply(out, event) {
    const prev = state;
    state = out.state;
    if (state !== prev) render(prev, state, event);
    out.effects.forEach(run);
  }

  const answer = (type, extra) => [
    (res) => dispatch({type, status: res.status, body: res.body, ...extra}),
    () => dispatch({type, network: true})];

  function run(fx) {
    if (fx.type === "track") track(fx.name, fx.params);
    else if (fx.type === "say") say(T[fx.key]);
    else if (fx.type === "reload") window.location.reload();
    else if (fx.type === "focus") {
      const target = fx.target === "error" ? confirmErr
        : fx.target === "notice" ? $(".notice:not([hidden])")
          : fx.target === "field" ? $("#details-form [aria-invalid=true]") || $("h2", sections.details)
            : $("h2", sections[fx.target]);
      if (target) target.focus();
    } else if (fx.type === "fetch_days") {
      loadGrid().catch(() => { gridModule = null; });
      api("GET", slotsPath(fx.kind, fx.calendar)).then((res) => dispatch(res.ok
        ? {type: "days_loaded", key: fx.key, days: res.body.days || [],
           full: res.body.full, closed: res.body.closed}
        : {type: "days_failed", key: fx.key, code: res.body.code}),
      () => dispatch({type: "days_failed", key: fx.key, code: "network"}));
    } else if (fx.type === "post_hold") {
      api("POST", "/holds", fx.body).then(...answer("hold_answer", {at: Date.now()}));
    } else if (fx.type === "release_hold") {
      api("DELETE", "/holds/" + encodeURIComponent(fx.id), null, fx.token).catch(() => null);
    } else if (fx.type === "post_booking" || fx.type === "post_move") {
      page.post(fx).then(...answer("answer"));
    }
  }

  // The hold's time left: shown every second, said when made, at one minute and at the end.
  function tick() {
    const h = state.hold;
    if (!h) return;
    const left = Math.max(0, Math.ceil((h.ends - Date.now()) / 1000));
    $(".hold-left", holdBox).textContent = fmt(T.hold_left, {time: mmss(left)});
    if (left <= 60 && left > 0 && !warned) { warned = true; say(T.hold_one_minute); }
    if (!left) dispatch({type: "hold_expired", id: h.id});
  }

  function renderHold(prev, s) {
    if (prev.hold === s.hold) return;
    window.clearInterval(timer);
    timer = null;
    holdBox.hidden = !s.hold;
    if (s.hold) {
      warned = false;
      skew = s.hold.skew;
      timer = window.setInterval(tick, 1000);
      tick();
    }
  }

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

  function render(prev, s, event) {
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
    if (prev.notice !== s.notice || prev.step !== s.step) {
      $$(".notice").forEach((n) => {
        n.hidden = !s.notice || !n.closest("#step-" + s.step);
        phoneLink(n, s.notice ? text.say(s.notice) : "");
      });
    }
    if (prev.holding !== s.holding) slotsBox.setAttribute("aria-busy", String(!!s.holding));
    renderHold(prev, s);
    if (entered("confirm")) page.confirm(s, now());
    if (prev.error !== s.error) {
      if (s.error) {
        message(confirmErr, text.error(s.error.code), null,
                s.error.actions.map((a) => [T[a.label], () => dispatch({type: a.event})]));
      } else confirmErr.hidden = true;
      confirmBtn.hidden = !!s.error && !s.error.retry;
    }
    if (prev.sending !== s.sending) {
      confirmBtn.disabled = s.sending;
      confirmBtn.textContent = s.sending ? T.sending : page.confirmLabel;
    }
    if (page.render) page.render(prev, s, event);
    if (entered("receipt")) page.receipt(s, now());
  }

  /* days and slots, live from the endpoint */
  function renderDays(s) {
    daysBox.textContent = "";
    dayNav.hidden = true;
    if (s.daysStatus === "loading") return message(dayMsg, T.loading);
    if (s.daysStatus === "failed") {
      return message(dayMsg, text.error(s.daysError), null,
                     [[T.try_again, () => dispatch({type: "retry_days"})]]);
    }
    if (!s.days.length) return page.noSlots(s, dayMsg);
    loadGrid().then((m) => {
      if (state.step !== "day" || state.days !== s.days) return;  // drawn anew, or gone on
      dayMsg.hidden = true;
      m.show({s: state, T, text, dispatch, view, nav: dayNav, box: daysBox});
    }, () => {
      gridModule = null;
      message(dayMsg, text.error("network"), null, [[T.try_again, () => renderDays(state)]]);
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

  confirmBtn.addEventListener("click", () => dispatch({type: "confirm"}));
  $$(".change").forEach((b) => {
    b.addEventListener("click", () => dispatch({type: "change", step: b.getAttribute("data-change")}));
  });
  choices.forEach(([type, value, b]) => b.addEventListener("click", () => dispatch({type, value})));
  // Leaving the page lets go of the held time at once, for the next patient.
  window.addEventListener("pagehide", () => {
    if (state.hold) run({type: "release_hold", id: state.hold.id, token: state.hold.token});
  });

  apply(start(ctx, query));
  return {dispatch, state: () => state, apply};
}
