// The admin's link maker (sitegen/templates/assets/snippet.js).
import assert from "node:assert/strict";
import {test} from "node:test";

import {EMBED_MARK, esc, makeLink, URL_MARK} from "../../sitegen/templates/assets/snippet.js";

const TEMPLATE = `<iframe id="ledig-fjord-${EMBED_MARK}" src="${URL_MARK}"></iframe>`;

test("no choice: the clinic page", () => {
  assert.deepEqual(makeLink("https://example.no/fjord/", "", "", TEMPLATE), {
    url: "https://example.no/fjord/", href: "../",
    iframe: '<iframe id="ledig-fjord-index" src="https://example.no/fjord/"></iframe>'});
});

test("calendar and type: the query, and the frame id sitegen's embed_id() makes", () => {
  const link = makeLink("https://example.no/fjord/", "hansen", "kort&lang", TEMPLATE);
  assert.equal(link.url, "https://example.no/fjord/?calendar=hansen&type=kort%26lang");
  assert.equal(link.href, "../?calendar=hansen&type=kort%26lang");
  assert.equal(link.iframe, '<iframe id="ledig-fjord-index-hansen-kort&lang" ' +
               'src="https://example.no/fjord/?calendar=hansen&amp;type=kort%26lang"></iframe>');
  assert.equal(makeLink("u/", "", "kort", TEMPLATE).url, "u/?type=kort");
});

test("esc escapes what HTML attributes need", () => {
  assert.equal(esc(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;");
});
