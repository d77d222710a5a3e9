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
    if (part("retry")) part("retry").hidden = data.status !== "failed";
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
