/* The details form's checks, pure: → {valid, key (of a string, "" for none), ok
   (a confirmation, not an error)}. Not `final`: still typing, half a number is fine. */

export const FIELDS = ["national_id", "first_name", "last_name", "phone", "email"];

const ID_KEYS = {format: "id_format", checksum: "id_checksum", date: "id_date",
                 kind_not_accepted: "id_kind", id_type: "id_type_missing"};

// Norwegian: a mobile (8 digits from 4 or 9, +47/0047 optional); foreign: 8-15 digits
// after +, left to the endpoint to tell a mobile from a landline.
export function phoneOk(v) {
  const p = v.replace(/[\s().-]/g, "").replace(/^00/, "+");
  return /^(\+47)?[49][0-9]{7}$/.test(p) || (/^\+[1-9][0-9]{7,14}$/.test(p) && !p.startsWith("+47"));
}

export function emailOk(v) { return /^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(v); }

// The kind of a whole, valid number ("fnr" or "dnr", as booking/identity.py tells them
// apart), or "" while it is half typed or invalid: the form chooses the list's kind from
// it, so a D-number typed as a fødselsnummer is simply a D-number.
export function idTypeOf(raw, opts) {
  const r = opts.identity.validate(raw, "fnr", !!opts.testMode);
  if (r.valid) return "fnr";
  return r.code === "id_type_mismatch" ? "dnr" : "";
}

// opts: {idType: "fnr" | "dnr", identity: window.ledigIdentity, testMode}
export function checkId(raw, final, opts) {
  if (!raw.trim()) return {valid: !final, key: final ? "required" : ""};
  const r = opts.identity.validate(raw, opts.idType, !!opts.testMode);
  if (r.valid) return {valid: true, key: "id_ok_" + opts.idType, ok: true};
  if (!final && r.code === "format" && raw.replace(/[^0-9]/g, "").length < 11) {
    return {valid: false, key: ""};
  }
  const key = r.code === "id_type_mismatch" ? (opts.idType === "fnr" ? "id_is_dnr" : "id_is_fnr")
    : ID_KEYS[r.code];
  return {valid: false, key: key || ""};
}

// opts.emailOptional: the chosen type sends no e-mail, so an empty address is fine
export function check(name, value, final, opts) {
  if (name === "national_id") return checkId(value, final, opts);
  const v = value.trim();
  if (!v && name === "email" && opts && opts.emailOptional) return {valid: true, key: ""};
  if (!v) return {valid: false, key: final ? "required" : ""};
  if (name === "phone") return phoneOk(v) ? {valid: true, key: ""} : {valid: false, key: "bad_phone"};
  if (name === "email") return emailOk(v) ? {valid: true, key: ""} : {valid: false, key: "bad_email"};
  return {valid: true, key: ""};
}

export function patient(values) {
  return {id_type: values.id_type, national_id: values.national_id,
          first_name: values.first_name.trim(), last_name: values.last_name.trim(),
          phone: values.phone.trim(), email: values.email.trim()};
}
