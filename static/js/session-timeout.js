// Idle timeout warning (accounts/sessions.py enforces the timeout on the server; this only warns).
// A minute before the session ends for lack of activity, a banner offers to stay logged in; at the
// end the page reloads and the server sends it to the login page. Asking how long is left
// (/account/session/) does not count as activity, so another tab's activity is taken into account.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("session-warning");
  if (!box) return;
  const idle = Number(box.dataset.idleSeconds);
  const warn = Number(box.dataset.warnSeconds);
  const statusUrl = box.dataset.sessionStatus;
  const keepaliveUrl = box.dataset.sessionKeepalive;
  const countdown = document.getElementById("session-countdown");
  const stay = document.getElementById("session-stay");
  const csrf = box.querySelector("input[name=csrfmiddlewaretoken]");
  let deadline = Date.now() + idle * 1000;
  let timer = null;
  let ticker = null;

  const leave = () => { window.location.reload(); };
  const schedule = (seconds) => {
    clearTimeout(timer);
    deadline = Date.now() + seconds * 1000;
    timer = setTimeout(check, Math.max(0, (seconds - warn) * 1000));
  };
  const hide = () => { box.hidden = true; clearInterval(ticker); ticker = null; };
  const show = () => {
    box.hidden = false;
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      countdown.textContent = String(left);
      if (left <= 0) { clearInterval(ticker); ticker = null; }
    };
    tick();
    if (!ticker) ticker = setInterval(tick, 1000);
  };
  async function check() {
    let data;
    try {
      const response = await fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      data = await response.json();
    } catch (error) {
      return schedule(Math.max(1, Math.round((deadline - Date.now()) / 1000)));
    }
    if (data.expired) return leave();  // the server ended it: the reload shows the login page and why
    if (data.remaining > warn) { hide(); return schedule(data.remaining); }
    deadline = Date.now() + data.remaining * 1000;
    clearTimeout(timer);
    // ask again just after the end: only the server says it is over (a reload would count as activity)
    timer = setTimeout(check, Math.max(1, data.remaining) * 1000 + 1500);
    show();
  }
  stay.addEventListener("click", async () => {
    try {
      const response = await fetch(keepaliveUrl, {
        method: "POST", credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      });
      const data = await response.json();
      if (data.expired) return leave();
      hide();
      schedule(data.remaining);
    } catch (error) {
      leave();
    }
  });
  schedule(idle);
});
