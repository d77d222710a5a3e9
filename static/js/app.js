// The registry's own script: small conveniences only; every page works without it.
document.addEventListener("DOMContentLoaded", () => {
  // The medium only applies to electronic media: show it only when that kind is chosen.
  const kind = document.getElementById("id_kind");
  const medium = document.getElementById("field-medium");
  if (kind && medium) {
    const sync = () => { medium.hidden = kind.value !== "electronic"; };
    kind.addEventListener("change", sync);
    sync();
  }
});

// Register exports and chain verifications running in the background: poll the job's JSON status
// (same origin) and move the progress bar; show the download link, or why it failed and a retry.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-status-url]");
  if (!box) return;
  const part = (name) => box.querySelector(`[data-job="${name}"]`);
  if (box.dataset.finished !== "true") box.dataset.startedUnfinished = "1";
  const poll = async () => {
    let data;
    try {
      const response = await fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return setTimeout(poll, 3000);
      data = await response.json();
    } catch (error) {
      return setTimeout(poll, 3000);
    }
    if (part("progress") && data.progress !== undefined) part("progress").value = data.progress;
    if (part("percent") && data.progress !== undefined) part("percent").textContent = `${data.progress}%`;
    if (part("status") && data.status_label) part("status").textContent = data.status_label;
    if (data.error && part("error")) { part("error-text").textContent = data.error; part("error").hidden = false; }
    if (part("download")) part("download").hidden = !data.download_url;
    if (part("retry")) part("retry").hidden = data.may_retry === undefined ? data.status !== "failed" : !data.may_retry;
    if (part("notice")) { part("notice").textContent = data.notice || ""; part("notice").hidden = !data.notice; }
    if (!data.finished) return setTimeout(poll, 1000);
    if (box.dataset.reloadWhenDone && box.dataset.startedUnfinished) window.location.reload();
  };
  poll();
});

// A confidential meeting's distribution-and-return board: while the meeting runs, fetch the
// server-rendered board (same origin, JSON) every few seconds and put it in place when it changed.
document.addEventListener("DOMContentLoaded", () => {
  const board = document.querySelector("#board[data-poll-url]");
  if (!board || board.dataset.status === "closed") return;
  const refresh = async () => {
    try {
      const response = await fetch(board.dataset.pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        if (data.html !== board.dataset.lastHtml) {
          board.innerHTML = data.html;
          board.dataset.lastHtml = data.html;
        }
        board.dataset.refreshed = String(Number(board.dataset.refreshed || 0) + 1);
        if (data.status === "closed") return;
      }
    } catch (error) {
      // the server was unreachable for a moment: try again at the next tick
    }
    setTimeout(refresh, 4000);
  };
  setTimeout(refresh, 4000);
});

// The main menu folds behind a button on narrow windows (CSS decides when); without this script
// the menu simply stays open.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("mainnav");
  if (!toggle || !nav) return;
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && nav.classList.contains("open")) {
      nav.classList.remove("open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
});

// A table wider than its column scrolls sideways (on a phone, table.grid; anywhere, .table-scroll):
// one that holds no link or field would be out of reach of the keyboard, so while it overflows it
// takes the focus itself (WCAG 2.1.1; axe's scrollable-region-focusable), and arrow keys scroll it.
(() => {
  const scrollers = () => document.querySelectorAll("main table.grid, main .table-scroll");
  const sync = () => {
    for (const box of scrollers()) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); box.dataset.scrollFocus = "1"; }
      } else if (box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    }
  };
  document.addEventListener("DOMContentLoaded", sync);
  let pending = null;
  window.addEventListener("resize", () => { clearTimeout(pending); pending = setTimeout(sync, 150); });
})();
