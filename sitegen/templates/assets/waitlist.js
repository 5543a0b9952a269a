/* The wait list's form on the booking page, loaded only when the patient asks for it:
   type (preselected), calendar or any, a date range (to at most days_ahead), the same
   identity and contact fields and checks as the booking (fields.js, identity.js). */

import {$, make, phoneLink} from "./dom.js";
import {check, FIELDS, idTypeOf, patient} from "./fields.js";
import {fmt} from "./format.js";
import {addDays, rangeError, today} from "./waiting.js";

const INPUTS = {national_id: ["numeric", "off", "", 20], first_name: ["", "given-name", "", 100],
                last_name: ["", "family-name", "", 100], phone: ["", "tel", "tel", 30],
                email: ["", "email", "email", 254]};

export function open({cfg, T, text, api, track, info, type, calendar}) {
  const sec = $("#waitlist");
  if (!sec.hidden && sec.firstChild) return $("h2", sec).focus();
  sec.textContent = "";
  const h = make("h2", null, T.waitlist_heading);
  h.id = "h-waitlist";
  h.tabIndex = -1;
  sec.appendChild(h);
  const body = make("div", "body");
  sec.appendChild(body);
  body.appendChild(make("p", null, T.waitlist_intro));
  const form = make("form");
  form.noValidate = true;
  body.appendChild(form);
  const first = today(cfg.tz, new Date()), last = addDays(first, info ? info.days_ahead : 30);

  function field(name, label, control, hint) {
    const f = make("div", "field");
    const l = make("label", null, label);
    l.htmlFor = control.id = "wl-" + name;
    control.name = name;
    const msg = make("p", "msg");
    msg.id = control.id + "-msg";
    const said = [msg.id];
    f.append(l, control);
    if (hint) {
      const p = make("p", "hint", hint);
      p.id = control.id + "-hint";
      said.unshift(p.id);
      f.appendChild(p);
    }
    control.setAttribute("aria-describedby", said.join(" "));
    f.appendChild(msg);
    form.appendChild(f);
    return control;
  }

  function select(options, value) {
    const s = make("select");
    options.forEach(([v, label]) => {
      const o = make("option", null, label);
      o.value = v;
      s.appendChild(o);
    });
    if (value != null) s.value = value;
    return s;
  }

  const types = Object.keys(cfg.types).filter((t) => Object.values(cfg.offers).some((l) => l.includes(t)));
  const kind = field("type", T.waitlist_type, select(types.map((t) => [t, cfg.types[t].name]),
                                                     types.includes(type) ? type : types[0]));
  const cal = field("calendar", T.waitlist_calendar, select([]));
  function calendars() {
    const keep = cal.value || calendar || "";
    cal.textContent = "";
    [["", T.waitlist_any], ...Object.keys(cfg.offers).filter((c) => cfg.offers[c].includes(kind.value))
      .map((c) => [c, text.calendar(c)])].forEach(([v, label]) => {
      const o = make("option", null, label);
      o.value = v;
      cal.appendChild(o);
    });
    cal.value = Array.from(cal.options).some((o) => o.value === keep) ? keep : "";
  }
  calendars();
  kind.addEventListener("change", calendars);
  const date = (v) => {
    const i = make("input");
    i.type = "date";
    i.min = first;
    i.max = last;
    i.value = v;
    i.required = true;
    return i;
  };
  const from = field("from", T.waitlist_from, date(first));
  const to = field("to", T.waitlist_to, date(addDays(first, 14) > last ? last : addDays(first, 14)),
                   fmt(T.waitlist_to_hint, {date: text.day(last)}));
  const idType = field("id_type", T.id_type, select([["fnr", T.fnr], ["dnr", T.dnr]]));
  const inputs = {};
  FIELDS.forEach((n) => {
    const i = make("input");
    const [mode, auto, kindOf, max] = INPUTS[n];
    if (mode) i.inputMode = mode;
    if (kindOf) i.type = kindOf;
    i.autocomplete = auto;
    i.maxLength = max;
    i.required = true;
    inputs[n] = field(n, T[n === "phone" ? "mobile" : n], i,
                      n === "national_id" ? T.national_id_hint : null);
  });
  const err = make("p", "alert");
  err.setAttribute("role", "alert");
  err.hidden = true;
  const send = make("button", "btn primary ant-btn", T.waitlist_submit);
  send.type = "submit";
  form.append(err, send);

  function mark(input, words) {
    const msg = $("#" + input.id + "-msg");
    msg.textContent = words || "";
    msg.className = "msg" + (words ? " error" : "");
    if (words) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    return !words;
  }
  const opts = () => ({idType: idType.value, identity: window.ledigIdentity, testMode: cfg.test_mode});
  const checkOne = (n) => {
    const r = check(n, inputs[n].value, true, opts());
    return mark(inputs[n], r.valid ? "" : T[r.key]);
  };
  // as on the booking form: no check when leaving for the submit button (a message
  // appearing or going would move the button away from the click)
  FIELDS.forEach((n) => inputs[n].addEventListener("blur", (e) => {
    if (e.relatedTarget === send) return;
    if (inputs[n].value.trim()) checkOne(n);
  }));
  // the list follows the number as it is typed, as on the booking form
  inputs.national_id.addEventListener("input", () => {
    const chosen = idTypeOf(inputs.national_id.value, opts());
    if (chosen) idType.value = chosen;
  });
  function checkRange() {
    const key = rangeError(from.value, to.value, first, last);
    mark(to, key ? fmt(T[key], {date: text.day(last)}) : "");
    return !key;
  }
  [from, to].forEach((i) => i.addEventListener("change", checkRange));

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const okRange = checkRange();
    const bad = FIELDS.filter((n) => !checkOne(n));
    if (!okRange || bad.length) {
      err.textContent = T.fix_fields;
      err.hidden = false;
      (okRange ? inputs[bad[0]] : to).focus();
      return;
    }
    err.hidden = true;
    const values = {id_type: idType.value};
    FIELDS.forEach((n) => { values[n] = inputs[n].value; });
    send.disabled = true;
    send.textContent = T.sending;
    const req = {type: kind.value, calendar: cal.value || null, from: from.value, to: to.value,
                 patient: patient(values)};
    const fail = (code) => {
      send.disabled = false;
      send.textContent = T.waitlist_submit;
      phoneLink(err, text.error(code));
      err.hidden = false;
      err.focus();
    };
    api("POST", "/waitlist", req).then((res) => {
      if (res.status === 201) return joined(res.body, req);
      const b = res.body || {};
      if (b.code === "validation") {
        (b.errors || []).forEach((x) => {
          const name = String(x.field).replace(/^patient\./, "");
          const input = name === "id_type" ? inputs.national_id : inputs[name] ||
            {from, to, type: kind, calendar: cal}[name];
          if (input) mark(input, x.message);
        });
      }
      fail(b.code || "generic");
    }, () => fail("network"));
  });

  function joined(b, req) {
    const e = b.entry || {};
    body.textContent = "";
    h.textContent = T.waitlist_done_heading;
    body.appendChild(make("p", null, fmt(T.waitlist_done, {from: text.day(e.from || req.from),
                                                 to: text.day(e.to || req.to)})));
    const leave = cfg.waitlist_url + "#id=" + encodeURIComponent(e.id) + "&token=" +
      encodeURIComponent(b.token);
    const p = make("p", null, T.waitlist_leave);
    const a = make("a", "cancel-link", leave);
    a.href = leave;
    p.append(make("br"), a);
    body.appendChild(p);
    track("waitlist_joined", {});
    h.focus();
  }

  sec.hidden = false;
  h.focus();
}
