/* The admin's link maker, pure: a ?calendar=&type= link and its iframe code. */

export const URL_MARK = "\u0000URL\u0000", EMBED_MARK = "\u0000EMBED\u0000";

export function esc(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}

// template: sitegen's iframe code with the marks; href is relative to the links page
export function makeLink(pageUrl, calendar, type, template) {
  const q = [];
  if (calendar) q.push("calendar=" + encodeURIComponent(calendar));
  if (type) q.push("type=" + encodeURIComponent(type));
  const query = q.length ? "?" + q.join("&") : "";
  const url = pageUrl + query;
  // the frame's id as sitegen's embed_id() makes it: index, then the preset
  const embed = ["index"].concat(calendar || [], type || []).join("-");
  return {url, href: "../" + query,
          iframe: template.split(URL_MARK).join(esc(url)).split(EMBED_MARK).join(embed)};
}
