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
