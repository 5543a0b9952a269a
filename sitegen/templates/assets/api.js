/* Talking to the endpoint: JSON in and out, no cookies, no cache. */

// api(method, path, body, token) → {ok, status, body}; rejects on network errors only
export function client(base, fetchFn = (url, opts) => fetch(url, opts)) {
  return function api(method, path, body, token) {
    const opts = {method, headers: {Accept: "application/json"}, credentials: "omit",
                  cache: "no-store"};
    if (body) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    if (token) opts.headers.Authorization = "Bearer " + token;
    return fetchFn(base + path, opts).then((r) => r.json().catch(() => ({})).then((b) => (
      {ok: r.ok, status: r.status, body: b || {}})));
  };
}

export function slotsPath(type, calendar) {
  return "/slots?type=" + encodeURIComponent(type) +
    (calendar ? "&calendar=" + encodeURIComponent(calendar) : "");
}
