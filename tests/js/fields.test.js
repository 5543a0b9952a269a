// The details form's checks (sitegen/templates/assets/fields.js), with the real identity.js.
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {test} from "node:test";
import vm from "node:vm";

import {check, emailOk, idTypeOf, patient, phoneOk} from "../../sitegen/templates/assets/fields.js";

// identity.js is a classic script: run it as the page does, then use its global.
const identity = {};
vm.runInNewContext(readFileSync(new URL("../../sitegen/templates/assets/identity.js", import.meta.url),
                                "utf8"), {window: identity});
const opts = {idType: "fnr", identity: identity.ledigIdentity, testMode: false};

test("phone numbers: Norwegian mobiles, and foreign numbers", () => {
  for (const ok of ["406 12 345", "+47 406 12 345", "0047 90012345", "(+47) 412-34-567",
                    "+46 70 123 45 67", "+1 202 555 0100"]) assert.ok(phoneOk(ok), ok);
  for (const bad of ["55 12 34 56", "+47 55123456", "1234567", "406 12 34", "+0 123456789",
                     "telefon"]) assert.ok(!phoneOk(bad), bad);
});

test("email addresses", () => {
  assert.ok(emailOk("kari@example.no"));
  for (const bad of ["kari", "kari@", "kari@example", "kari@example.", "ka ri@example.no"]) {
    assert.ok(!emailOk(bad), bad);
  }
});

test("a required field: an error only on the final check", () => {
  assert.deepEqual(check("first_name", "  ", false, opts), {valid: false, key: ""});
  assert.deepEqual(check("first_name", "  ", true, opts), {valid: false, key: "required"});
  assert.deepEqual(check("first_name", " Kari ", true, opts), {valid: true, key: ""});
  assert.deepEqual(check("phone", "55 12 34 56", true, opts), {valid: false, key: "bad_phone"});
  assert.deepEqual(check("email", "kari@", true, opts), {valid: false, key: "bad_email"});
});

test("the national id: confirmed when valid, no error while half typed", () => {
  assert.deepEqual(check("national_id", "151086 95088", false, opts),
                   {valid: true, key: "id_ok_fnr", ok: true});
  assert.deepEqual(check("national_id", "15108", false, opts), {valid: false, key: ""});
  assert.deepEqual(check("national_id", "15108", true, opts), {valid: false, key: "id_format"});
  assert.deepEqual(check("national_id", "15108695089", false, opts),
                   {valid: false, key: "id_checksum"});
  assert.deepEqual(check("national_id", "", false, opts), {valid: true, key: ""});
  assert.deepEqual(check("national_id", "", true, opts), {valid: false, key: "required"});
});

test("the national id: the wrong kind chosen in the dropdown", () => {
  const dnr = "53097248016"; // a D-number (navikt/fnrvalidator's)
  const r = identity.ledigIdentity.validate(dnr, "dnr", false);
  assert.ok(r.valid, "a valid D-number for this test");
  assert.deepEqual(check("national_id", dnr, true, opts), {valid: false, key: "id_is_dnr"});
  assert.deepEqual(check("national_id", "15108695088", true, {...opts, idType: "dnr"}),
                   {valid: false, key: "id_is_fnr"});
});

test("the patient: names, phone and email trimmed; the number as typed", () => {
  assert.deepEqual(patient({id_type: "fnr", national_id: " 151086 95088", first_name: " Kari ",
                            last_name: "Nordmann ", phone: " 406 12 345", email: "k@e.no "}),
                   {id_type: "fnr", national_id: " 151086 95088", first_name: "Kari",
                    last_name: "Nordmann", phone: "406 12 345", email: "k@e.no"});
});

test("an empty e-mail is fine when the chosen type sends no e-mail", () => {
  assert.deepEqual(check("email", "", true, {emailOptional: true}), {valid: true, key: ""});
  assert.deepEqual(check("email", "", true, {}), {valid: false, key: "required"});
  assert.deepEqual(check("email", "nope", true, {emailOptional: true}),
                   {valid: false, key: "bad_email"});
});

test("the kind of number comes from the number itself", () => {
  assert.equal(idTypeOf("53097248016", opts), "dnr"); // a D-number (navikt/fnrvalidator's)
  assert.equal(idTypeOf("151086 95088", {...opts, idType: "dnr"}), "fnr");
  assert.equal(idTypeOf("15108", opts), "", "half typed: no choice yet");
  assert.equal(idTypeOf("15108695089", opts), "", "a wrong check digit: no choice");
});
