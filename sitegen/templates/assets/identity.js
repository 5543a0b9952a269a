/* Norwegian identity numbers, by the rules of booking/identity.py (IDENTITY.md).
   validate(raw, idType, testMode) -> {valid, normalized, code, kind}; code is one of
   id_type, format, checksum, kind_not_accepted, date, id_type_mismatch (first failure).
   tests/browser checks it against tests/data/identity_vectors.json. */
(function (root) {
  "use strict";
  var K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2], K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  var ACCEPTED = {fnr: "fnr", dnr: "dnr", tenor_fnr: "fnr", tenor_dnr: "dnr"};

  function normalize(raw) {
    if (typeof raw !== "string") return null;
    var digits = "", hyphen = false;
    for (var i = 0; i < raw.length; i++) {
      var c = raw.charAt(i);
      if (c === " ") continue;
      if (c === "-") {
        if (hyphen || digits.length !== 6) return null;
        hyphen = true;
      } else if (c >= "0" && c <= "9") {
        digits += c;
        if (digits.length > 11) return null;
      } else {
        return null;
      }
    }
    return digits.length === 11 ? digits : null;
  }

  function values(n) {
    var v = [];
    for (var i = 0; i < 11; i++) v.push(n.charCodeAt(i) - 48);
    return v;
  }

  function checksumsOk(v) {
    var s1 = 0, s2 = 0, i;
    for (i = 0; i < 9; i++) s1 += K1[i] * v[i];
    var r = (s1 + v[9]) % 11;
    if (r > 3) return false;
    for (i = 0; i < 10; i++) s2 += K2[i] * v[i];
    return (s2 + v[10]) % 11 === 0;
  }

  function classify(v) {
    var month = v[2] * 10 + v[3];
    if (v[0] >= 8) return "fh";
    if (month >= 41 && month <= 52) return "h";
    if (month >= 66 && month <= 77) return "nhn";
    if (month >= 81 && month <= 92) return v[0] >= 4 ? "tenor_dnr" : "tenor_fnr";
    return v[0] >= 4 ? "dnr" : "fnr";
  }

  function dateOk(v, kind) {
    var day = v[0] * 10 + v[1], month = v[2] * 10 + v[3], year = 2000 + v[4] * 10 + v[5];
    if (kind === "dnr" || kind === "tenor_dnr") day -= 40;
    if (kind === "tenor_fnr" || kind === "tenor_dnr") month -= 80;
    if (month < 1 || month > 12 || day < 1) return false;
    var last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return day <= last;
  }

  function validate(raw, idType, testMode) {
    var out = {valid: false, normalized: null, code: null, kind: null};
    if (idType !== "fnr" && idType !== "dnr") { out.code = "id_type"; return out; }
    var n = normalize(raw);
    if (n === null) { out.code = "format"; return out; }
    var v = values(n);
    if (!checksumsOk(v)) { out.code = "checksum"; return out; }
    var kind = out.kind = classify(v);
    if (!ACCEPTED[kind] || (kind.indexOf("tenor") === 0 && !testMode)) {
      out.code = "kind_not_accepted";
      return out;
    }
    if (!dateOk(v, kind)) { out.code = "date"; return out; }
    if (ACCEPTED[kind] !== idType) { out.code = "id_type_mismatch"; return out; }
    out.valid = true;
    out.normalized = n;
    return out;
  }

  root.ledigIdentity = {normalize: normalize, validate: validate};
  if (typeof module === "object" && module.exports) module.exports = root.ledigIdentity;
})(typeof window !== "undefined" ? window : globalThis);
