/* Inside an iframe: messages to the parent page, never personal data, so to any parent. */

export function poster(win) {
  const framed = win.parent !== win;
  return function post(msg) {
    if (framed) {
      try { win.parent.postMessage(msg, "*"); } catch { /* detached */ }
    }
  };
}

// for the snippet's script, which sets the iframe's height
export function reportHeight(win, post) {
  const root = win.document.documentElement;
  let last = 0;
  const resize = () => {
    const h = Math.ceil(root.getBoundingClientRect().height);
    if (h !== last) { last = h; post({type: "ledig:resize", height: h}); }
  };
  if (win.ResizeObserver) new win.ResizeObserver(resize).observe(root);
  else win.setInterval(resize, 400);
  win.addEventListener("load", resize);
  resize();
}
