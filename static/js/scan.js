// Scanning carriers into an action form (issue 18, item 4). A scanner types the registry number
// and Enter into the form's scan box; the number is checked at once (same-origin JSON lookup,
// through the access gate) and the carrier is shown with its title and marking and put into the
// form's carrier field (ticked, selected, or added as a line), or shown refused with the reason,
// and then nothing of it goes into the form. Loaded by every form with a scan box; no outside loads.
(() => {
  if (window.registryScanLoaded) return;
  window.registryScanLoaded = true;

  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  // put the carrier into the form's field; false when the field does not offer it
  const place = (form, target, data) => {
    const boxes = form.querySelectorAll(`input[type="checkbox"][name="${CSS.escape(target)}"]`);
    if (boxes.length) {
      const box = Array.from(boxes).find((b) => b.value === String(data.id));
      if (!box) return false;
      box.checked = true;
      box.dispatchEvent(new Event("change", { bubbles: true }));
      return true;
    }
    const field = form.elements.namedItem(target);
    if (!field) return false;
    if (field.tagName === "SELECT") {
      const option = Array.from(field.options).find((o) => o.value === String(data.id));
      if (!option) return false;
      option.selected = true;
      field.dispatchEvent(new Event("change", { bubbles: true }));
      return true;
    }
    if (field.tagName === "INPUT") {  // one carrier: the scanned one
      field.value = data.number;
      return true;
    }
    if (field.tagName === "TEXTAREA") {
      const lines = field.value.split(/[\s,;，；]+/).filter(Boolean);
      if (!lines.includes(data.number)) lines.push(data.number);
      field.value = lines.join("\n");
      return true;
    }
    return false;
  };

  const unplace = (form, target, data) => {
    const box = Array.from(form.querySelectorAll(`input[type="checkbox"][name="${CSS.escape(target)}"]`))
      .find((b) => b.value === String(data.id));
    if (box) { box.checked = false; return; }
    const field = form.elements.namedItem(target);
    if (!field) return;
    if (field.tagName === "SELECT") {
      const option = Array.from(field.options).find((o) => o.value === String(data.id));
      if (option) option.selected = false;
    } else if (field.tagName === "INPUT") {
      if (field.value === data.number) field.value = "";
    } else if (field.tagName === "TEXTAREA") {
      field.value = field.value.split(/[\s,;，；]+/).filter((n) => n && n !== data.number).join("\n");
    }
  };

  const setup = (scan) => {
    const form = scan.closest("form");
    if (!form) return;
    scan.hidden = false;
    const input = scan.querySelector(".scan-input");
    const results = scan.querySelector(".scan-results");
    const msg = scan.dataset;
    const seen = new Set();

    const show = (number, data, ok, reason, removable = ok && !reason) => {
      const item = el("li", ok ? "scan-ok" : "scan-refused");
      item.dataset.number = number;
      item.append(el("span", ok ? "ok" : "bad", ok ? "✓ " : "✗ "), el("strong", "nowrap", number));
      if (data && data.marking) {
        item.append(" ");
        item.append(el("span", "marking", data.marking));
      }
      if (data && data.title) item.append(" ", el("span", "scan-title", data.title));
      if (reason) item.append(el("span", "scan-reason bad", ` — ${reason}`));
      if (removable) {
        const remove = el("button", "secondary scan-remove", msg.msgRemove);
        remove.type = "button";
        remove.setAttribute("aria-label", `${msg.msgRemove} ${number}`);
        remove.addEventListener("click", () => {
          unplace(form, scan.dataset.scanTarget, data);
          seen.delete(data.number);
          item.remove();
          input.focus();
        });
        item.append(" ", remove);
      }
      results.prepend(item);
    };

    const lookup = async (number) => {
      const url = new URL(scan.dataset.scanUrl, window.location.href);
      url.searchParams.set("number", number);
      url.searchParams.set("action", scan.dataset.scanAction);
      let response;
      let data = {};
      try {
        response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        data = await response.json();
      } catch (error) {
        return show(number, null, false, msg.msgFailed);
      }
      if (!response.ok) return show(number, null, false, data.detail || msg.msgFailed);
      if (!data.allowed) return show(data.number, data, false, data.reason);
      if (seen.has(data.number)) return show(data.number, data, true, msg.msgTwice);
      if (!place(form, scan.dataset.scanTarget, data)) return show(data.number, data, false, msg.msgNotListed);
      seen.add(data.number);
      return show(data.number, data, true, "");
    };

    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();  // Enter ends a scan; it never submits the form
      const number = input.value.trim();
      input.value = "";
      if (number) lookup(number);
    });
  };

  const start = () => document.querySelectorAll(".scan-box").forEach(setup);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
