/* "Logg inn" and "Mine timer" (docs/patient-login.md), on pages of clinics with patient_login only. */

import {client, slotsPath} from "./api.js";
import {$, make} from "./dom.js";
import {fmt, texts} from "./format.js";
import {onChange, put, token} from "./session.js";

const POPUP = "ledig-login";

function loginPart(cfg) {
  const T = cfg.t, text = texts(cfg), slug = cfg.slug, api = client(cfg.api);
  const msg = $("#me-msg"), bearer = () => token(slug);
  const say = (words) => { msg.textContent = words || ""; msg.hidden = !words; };
  const got = (m) => (m.session ? put(slug, m.session)
    : say(m.error === "provider" ? T.login_unavailable : T.login_failed));
  const ended = () => { put(slug, ""); say(T.login_ended); };
  const button = (label, onclick) => {
    const b = make("button", "link-btn", label);
    b.type = "button";
    b.addEventListener("click", onclick);
    return b;
  };
  const act = (request, done) => request.then((res) => {
    if (res.status === 401) return ended();
    say(res.ok ? done : text.error(res.body.code));
    if (res.ok) refresh();
  }, () => say(T.err_network));

  // The login ends here with #session= (or #login_error=), taken out of the address bar at
  // once; in the login's own window it goes to the page that opened it (this origin only).
  const m = /^#(session|login_error)=([\w.-]{1,200})$/.exec(window.location.hash);
  if (m) {
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
    const said = {type: "ledig:login", [m[1] === "session" ? "session" : "error"]: m[2]};
    if (window.opener && window.name === POPUP) {
      try {
        window.opener.postMessage(said, window.location.origin);
        return window.close();
      } catch { /* the opener is gone: go on here */ }
    }
    got(said);
  }
  window.addEventListener("message", (e) => {
    if (e.origin === window.location.origin && e.data && e.data.type === "ledig:login") got(e.data);
  });
  // a window of its own, so that a framed page keeps its step; without one, the whole tab
  $("#login").addEventListener("click", () => {
    const url = cfg.login + "?next=" + encodeURIComponent(window.location.href.split("#")[0]);
    if (!window.open(url, POPUP, "popup,width=520,height=720")) window.top.location.href = url;
  });
  $("#logout").addEventListener("click", () => {
    api("POST", "/me/logout", null, bearer()).catch(() => {});
    put(slug, "");
    say(T.logged_out);
  });

  function move(b, li) {
    const pick = li.appendChild(make("div", "me-move", T.loading));
    api("GET", slotsPath(b.type, b.calendar)).then((res) => {
      const days = (res.body.days || []).slice(0, 7);
      pick.textContent = days.length ? "" : T.no_slots;
      if (!days.length) return;
      const label = make("label", null, T.my_move_pick), select = make("select");
      const times = make("div", "choices slots");
      select.id = label.htmlFor = "move-" + b.id;
      days.forEach((d, i) => select.appendChild(new Option(text.day(d.date), i)));
      const show = () => times.replaceChildren(...days[select.value].slots.map((s) =>
        button(text.time(s.start), () => act(api("PATCH", "/bookings/" + b.id,
          {start: s.start, calendar: s.calendar}, bearer()), T.my_moved))));
      select.addEventListener("change", show);
      pick.append(label, select, times);
      show();
    }, () => { pick.textContent = T.err_network; });
  }

  function item(b) {
    const li = make("li", "me-item"), actions = make("span", "me-actions");
    li.append(make("span", "main", text.when(b.start)), make("span", "sub", b.type_name +
      " · " + b.calendar_name + (b.status === "cancelled" ? " · " + T.my_cancelled : "")), actions);
    if (b.can_move) actions.appendChild(button(T.my_move, () => move(b, li)));
    if (b.can_cancel) {
      // asked twice
      actions.appendChild(button(T.my_cancel, (e) => {
        if (e.currentTarget.dataset.sure) return act(api("DELETE", "/bookings/" + b.id, null, bearer()));
        e.currentTarget.dataset.sure = "1";
        e.currentTarget.textContent = T.my_cancel_sure;
      }));
    }
    return li;
  }

  function show(me) {
    $("#me-who").textContent = fmt(T.logged_in_as, {name: me.first_name + " " + me.last_name});
    ["first_name", "last_name", "phone", "email"].forEach((k) => {
      const input = $("#" + k);
      if (input && !input.value && me[k]) input.value = me[k];
    });
    const lists = [$("#me-upcoming"), $("#me-past")], now = Date.now();
    lists.forEach((ul) => ul.replaceChildren());
    me.bookings.forEach((b) => lists[new Date(b.end) > now ? 0 : 1].appendChild(item(b)));
    lists.forEach((ul) => ul.children.length || ul.appendChild(make("li", "sub", T.my_none)));
  }

  function refresh() {
    const t = bearer();
    $("#login").hidden = $("#login-hint").hidden = !!t;
    $("#logout").hidden = $("#me-list").hidden = !t;
    if (!t) return void ($("#me-who").textContent = "");
    api("GET", "/me", null, t).then((res) => {
      if (res.status === 401) return ended();
      if (res.ok) show(res.body);
      else say(text.error(res.body.code));
    }, () => say(T.err_network));
  }

  onChange(refresh);
  // a booking made while logged in belongs in the list at once
  const receipt = $("#step-receipt");
  new MutationObserver(() => { if (!receipt.hidden && bearer()) refresh(); })
    .observe(receipt, {attributes: true, attributeFilter: ["hidden"]});
  refresh();
}

const node = document.getElementById("ledig-config");
const cfg = node && JSON.parse(node.textContent);
if (cfg && cfg.login) loginPart(cfg);
