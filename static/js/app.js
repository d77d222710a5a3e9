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
