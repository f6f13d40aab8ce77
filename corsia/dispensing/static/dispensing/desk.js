// The dispensing form's scan field: Enter (what the scanner sends after each code) adds
// the pack to the list below, never submits the form; each listed pack can be removed.
// Without script the field's last code is posted as ``scan`` and added by the server.
// Behaviour by data- attributes (the Content-Security-Policy allows no inline script).
(() => {
  const list = () => document.querySelector("[data-scan-list]");
  const recount = () => {
    const count = document.querySelector("[data-scan-count]");
    if (count) count.textContent = String(list().querySelectorAll("li").length);
  };
  const removeLabel = () => list().getAttribute("data-remove-label") || "Togli";
  const add = (input) => {
    const code = input.value.trim();
    input.value = "";
    if (!code) return;
    const item = document.createElement("li");
    const shown = document.createElement("code");
    shown.textContent = code;
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "scans";
    hidden.value = code;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-link btn-sm";
    remove.setAttribute("data-scan-remove", "");
    remove.textContent = removeLabel();
    item.append(shown, hidden, " ", remove);
    list().append(item);
    recount();
  };
  // Enter in the scan field adds the pack; in another field of the form (the health card
  // read by the scanner ends with Enter too) it goes to the scan field: only the confirm
  // button submits.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.target instanceof HTMLInputElement)) return;
    const form = event.target.closest("[data-scan-form]");
    if (!form) return;
    event.preventDefault();
    const scan = form.querySelector("[data-scan-input]");
    if (event.target === scan) add(scan);
    else if (scan) scan.focus();
  });
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-scan-remove]") : null;
    if (!button) return;
    button.closest("li").remove();
    recount();
    const input = document.querySelector("[data-scan-input]");
    if (input) input.focus();
  });
})();
