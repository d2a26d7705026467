/**
 * The little JavaScript of the web pages (no build step, served as one file, allowed by the CSP
 * as `script-src 'self'`). Everything works without it: it only
 * 1. follows running exports: polls `data-status-url` every 2 s, updates the `<progress>` and the
 *    text, and reloads the page (without its `?done=` notice) once the state changes; a
 *    `<noscript>` refresh does it otherwise;
 * 2. asks before destructive forms (`data-confirm`);
 * 3. copies a shown-once token (`data-copy`).
 */
export const APP_JS = `(() => {
  "use strict";
  const POLL_MS = 2000;
  // Reload without \`?done=…\`: that notice was about the form just sent, not the new state.
  const reload = () => location.replace(location.pathname + location.hash);
  for (const el of document.querySelectorAll("[data-status-url]")) {
    const url = el.getAttribute("data-status-url");
    const initial = el.getAttribute("data-state");
    const bar = el.querySelector("progress");
    const text = el.querySelector("[data-progress-text]");
    let stopped = false;
    const tick = async () => {
      if (stopped) return;
      try {
        const res = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
        if (res.status === 401 || res.status === 403) { stopped = true; reload(); return; }
        if (res.ok) {
          const s = await res.json();
          if (s.state !== initial) { stopped = true; reload(); return; }
          if (bar && typeof s.percent === "number") { bar.value = s.percent; bar.textContent = s.percent + "%"; }
          if (text && typeof s.text === "string") text.textContent = s.text;
        }
      } catch (e) { /* offline for a moment: try again */ }
      setTimeout(tick, POLL_MS);
    };
    setTimeout(tick, POLL_MS);
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  }
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const target = document.getElementById(button.getAttribute("data-copy"));
      if (!target) return;
      try { await navigator.clipboard.writeText(target.textContent.trim()); button.textContent = "Copied"; }
      catch (e) { const r = document.createRange(); r.selectNodeContents(target); const s = getSelection(); s.removeAllRanges(); s.addRange(r); }
    });
  }
})();
`;
