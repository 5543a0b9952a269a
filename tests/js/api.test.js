// The endpoint client (sitegen/templates/assets/api.js), with a fake fetch.
import assert from "node:assert/strict";
import {test} from "node:test";

import {client, slotsPath} from "../../sitegen/templates/assets/api.js";

function fake(answer) {
  const calls = [];
  const fetchFn = (url, opts) => {
    calls.push([url, opts]);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return {calls, fetchFn};
}
const json = (status, body) => ({ok: status < 400, status, json: () => Promise.resolve(body)});

test("GET: no cookies, no cache, JSON wanted", async () => {
  const {calls, fetchFn} = fake(json(200, {days: []}));
  const res = await client("https://api.example.no/c", fetchFn)("GET", "/slots?type=a");
  assert.deepEqual(res, {ok: true, status: 200, body: {days: []}});
  assert.deepEqual(calls, [["https://api.example.no/c/slots?type=a", {
    method: "GET", headers: {Accept: "application/json"}, credentials: "omit",
    cache: "no-store"}]]);
});

test("POST with a body, DELETE with a token", async () => {
  const {calls, fetchFn} = fake(json(201, {id: 1}));
  const api = client("B", fetchFn);
  await api("POST", "/bookings", {a: 1});
  await api("DELETE", "/bookings/1", null, "tok");
  assert.equal(calls[0][1].body, '{"a":1}');
  assert.equal(calls[0][1].headers["Content-Type"], "application/json");
  assert.equal(calls[1][1].headers.Authorization, "Bearer tok");
  assert.equal(calls[1][1].body, undefined);
});

test("an answer that is not JSON has an empty body; a network error rejects", async () => {
  const {fetchFn} = fake({ok: false, status: 502, json: () => Promise.reject(new Error("html"))});
  assert.deepEqual(await client("B", fetchFn)("GET", "/x"), {ok: false, status: 502, body: {}});
  const down = fake(new TypeError("Failed to fetch"));
  await assert.rejects(client("B", down.fetchFn)("GET", "/x"), TypeError);
});

test("the slots query", () => {
  assert.equal(slotsPath("kort", ""), "/slots?type=kort");
  assert.equal(slotsPath("a b", "hansen&x"), "/slots?type=a%20b&calendar=hansen%26x");
});
