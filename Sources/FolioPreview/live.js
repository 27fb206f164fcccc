// Folio preview: reloads the page when the server has re-rendered it, keeping the
// scroll position; shows a template error (file, line, message) or training progress
// in a box over the page until the next good render.
(() => {
  const key = "folio-preview-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const y = Number(saved);
    window.scrollTo(0, y);
    window.addEventListener("load", () => window.scrollTo(0, y));
  }

  let box = null;
  function show(kind, title, text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "folio-preview-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483647;" +
        "padding:0.8rem 1rem;border-radius:6px;font:14px/1.45 ui-monospace,monospace;white-space:pre-wrap;" +
        "box-shadow:0 4px 18px rgba(0,0,0,.35);max-height:40vh;overflow:auto";
      document.body.appendChild(box);
    }
    box.dataset.kind = kind;
    box.style.background = kind === "error" ? "#7a1d14" : "#1d3a5f";
    box.style.color = "#fff";
    box.textContent = "";
    const heading = document.createElement("strong");
    heading.textContent = title;
    box.append(heading, "\n" + text);
  }
  function hide() { if (box) { box.remove(); box = null; } }

  const events = new EventSource("/_folio/events");
  events.addEventListener("reload", () => {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });
  events.addEventListener("template-error", (e) => {
    const error = JSON.parse(e.data);
    const where = error.line ? error.file + ":" + error.line : error.file;
    show("error", "Template error — the page shows the last good render", where + "\n" + error.message);
  });
  events.addEventListener("build-error", (e) => show("error", "Build error", JSON.parse(e.data).message));
  events.addEventListener("progress", (e) => show("progress", "Computing…", JSON.parse(e.data).message));
  events.addEventListener("ok", hide);
})();
