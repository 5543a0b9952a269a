/* "Logg inn" and "Mine timer" (SPEC §13), only on pages of clinics with patient_login:
   the login in a window of its own (so a framed page keeps its place), the patient's
   bookings here with cancel and move, and "Logg ut". */

import {client, slotsPath} from "./api.js";
import {$, make} from "./dom.js";
import {fmt, texts} from "./format.js";
import {loginError, onChange, POPUP, put, take, token} from "./session.js";

function loginPart(cfg) {
  const T = cfg.t, text = texts(cfg), slug = cfg.slug, api = client(cfg.api);
  const loginBtn = $("#login"), logoutBtn = $("#logout"), who = $("#me-who");
  const msg = $("#me-msg"), list = $("#me-list"), hint = $("#login-hint");
  const say = (words) => { msg.textContent = words || ""; msg.hidden = !words; };
  const reasons = {provider: T.login_unavailable};

  function login() {
    const here = window.location.href.split("#")[0];
    const url = cfg.login + "?next=" + encodeURIComponent(here);
    const w = window.open(url, POPUP, "popup,width=520,height=720");
    if (!w) window.top.location.href = url; // no popups: the whole window goes, and comes back
  }

  window.addEventListener("message", (e) => {
    if (e.origin !== window.location.origin || !e.data || e.data.type !== "ledig:login") return;
    if (e.data.session) put(slug, e.data.session);
    else say(reasons[e.data.error] || T.login_failed);
  });

  function item(b) {
    const li = make("li", "me-item");
    li.appendChild(make("span", "main", text.when(b.start)));
    li.appendChild(make("span", "sub", b.type_name + " · " + b.calendar_name +
      (b.status === "cancelled" ? " · " + T.my_cancelled : "")));
    const actions = make("span", "me-actions");
    if (b.can_move) actions.appendChild(button(T.my_move, () => move(b, li)));
    if (b.can_cancel) {
      actions.appendChild(button(T.my_cancel, (e) => {
        const btn = e.currentTarget;
        if (btn.dataset.sure) return act(api("DELETE", "/bookings/" + b.id, null, token(slug)));
        btn.dataset.sure = "1";
        btn.textContent = T.my_cancel_sure;
      }));
    }
    li.appendChild(actions);
    return li;
  }

  function button(label, onclick) {
    const b = make("button", "link-btn", label);
    b.type = "button";
    b.addEventListener("click", onclick);
    return b;
  }

  function act(request, done) {
    return request.then((res) => {
      if (res.status === 401) return ended();
      if (!res.ok) return say(text.error(res.body.code));
      say(done || "");
      refresh();
    }, () => say(T.err_network));
  }

  function move(b, li) {
    const pick = make("div", "me-move");
    pick.appendChild(make("p", "sub", T.loading));
    li.appendChild(pick);
    api("GET", slotsPath(b.type, b.calendar)).then((res) => {
      pick.textContent = "";
      const days = (res.body.days || []).slice(0, 7);
      if (!days.length) return pick.appendChild(make("p", "sub", T.no_slots));
      const label = make("label", null, T.my_move_pick);
      const select = make("select");
      select.id = label.htmlFor = "move-" + b.id;
      days.forEach((d, i) => { select.appendChild(new Option(text.day(d.date), i)); });
      const times = make("div", "choices slots");
      const show = () => {
        times.textContent = "";
        days[select.value].slots.forEach((s) => times.appendChild(button(text.time(s.start), () =>
          act(api("PATCH", "/bookings/" + b.id, {start: s.start, calendar: s.calendar},
                  token(slug)), T.my_moved))));
      };
      select.addEventListener("change", show);
      pick.append(label, select, times);
      show();
    }, () => { pick.textContent = T.err_network; });
  }

  function ended() { put(slug, ""); say(T.login_ended); }

  function show(me) {
    who.textContent = fmt(T.logged_in_as, {name: me.first_name + " " + me.last_name});
    ["first_name", "last_name", "phone", "email"].forEach((k) => {
      const input = $("#" + k);
      if (input && !input.value && me[k]) input.value = me[k];
    });
    const now = Date.now(), up = $("#me-upcoming"), past = $("#me-past");
    up.textContent = past.textContent = "";
    me.bookings.forEach((b) => (new Date(b.end) > now ? up : past).appendChild(item(b)));
    [up, past].forEach((ul) => { if (!ul.children.length) ul.appendChild(make("li", "sub", T.my_none)); });
  }

  function refresh() {
    const t = token(slug);
    loginBtn.hidden = hint.hidden = !!t;
    logoutBtn.hidden = list.hidden = !t;
    if (!t) { who.textContent = ""; return; }
    api("GET", "/me", null, t).then((res) => {
      if (res.status === 401) return ended();
      if (!res.ok) return say(text.error(res.body.code));
      show(res.body);
    }, () => say(T.err_network));
  }

  loginBtn.addEventListener("click", login);
  logoutBtn.addEventListener("click", () => {
    const t = token(slug);
    put(slug, "");
    say(T.logged_out);
    api("POST", "/me/logout", null, t).catch(() => {});
  });
  onChange(refresh);
  // a booking made while logged in belongs in the list at once
  const receipt = $("#step-receipt");
  if (receipt) {
    new MutationObserver(() => { if (!receipt.hidden && token(slug)) refresh(); })
      .observe(receipt, {attributes: true, attributeFilter: ["hidden"]});
  }
  take(slug);
  if (loginError()) say(reasons[loginError()] || T.login_failed);
  refresh();
}

const node = document.getElementById("ledig-config");
const cfg = node && JSON.parse(node.textContent);
if (cfg && cfg.login) loginPart(cfg);
