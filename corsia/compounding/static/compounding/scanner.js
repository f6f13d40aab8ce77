// The UFA scanner (hood and work plan): a keyboard-wedge scanner types its code and Enter.
// No scan is lost, wherever the focus is:
//  - no form field focused (a tap on the page moved it): the keystrokes are collected here
//    and, at Enter, put in the page's scan field ([data-scan-field] of
//    form[data-scan-form]) and the form is sent; on the hood page a preparation label
//    (PRP + 9 digits) opens that preparation (data-label-url);
//  - another field of the scan form focused (lot, expiry): a burst typed faster than a
//    person types (a scanner) and ended by Enter is taken out of that field and sent as
//    the scan;
//  - FNC1 sent as Ctrl+] (the usual keyboard rendering of the GS separator) becomes the
//    GS character (0x1D), in the scan field too, so the DataMatrix keeps its fields apart.
(() => {
  "use strict";
  const form = document.querySelector("form[data-scan-form]");
  if (!form) return;
  const field = form.querySelector("[data-scan-field]");
  const echo = form.querySelector("[data-scan-echo]");
  const labelUrl = form.dataset.labelUrl || "";
  const GS = "\u001d";
  const SCANNER_GAP_MS = 35; // a person types slower than this between keys
  const SCANNER_MIN_LENGTH = 6;
  const PAUSE_MS = 800; // a longer pause starts a new code
  let buffer = "";
  let last = 0;
  let burst = { target: null, text: "", last: 0 };

  const isField = (el) =>
    el instanceof HTMLElement &&
    (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  const isGroupSeparator = (event) =>
    event.key === GS || (event.ctrlKey && (event.key === "]" || event.code === "BracketRight"));

  function send(code) {
    const text = code.trim();
    if (!text) return;
    if (labelUrl && /^PRP\d{9}$/i.test(text) && field && !field.matches("#scan-code")) {
      window.location.assign(`${labelUrl}?code=${encodeURIComponent(text.toUpperCase())}`);
      return;
    }
    if (!field) return;
    field.value = text;
    if (echo) echo.textContent = `${echo.dataset.prefix || "Codice letto"}: ${text.replaceAll(GS, "·")}`;
    form.requestSubmit();
  }

  function insertAtCursor(input, text) {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    input.setSelectionRange(start + text.length, start + text.length);
  }

  document.addEventListener(
    "keydown",
    (event) => {
      const target = event.target;
      const now = performance.now();
      if (isField(target)) {
        if (target === field) {
          if (isGroupSeparator(event)) {
            event.preventDefault();
            insertAtCursor(field, GS);
          }
          return;
        }
        if (!form.contains(target)) return; // a field of another form: left alone
        // Another field of the scan form: watch for a scanner's burst.
        if (burst.target !== target || now - burst.last > SCANNER_GAP_MS) {
          burst = { target, text: "", last: now };
        }
        if (event.key === "Enter") {
          if (burst.text.length >= SCANNER_MIN_LENGTH && target.value.endsWith(burst.text)) {
            event.preventDefault();
            target.value = target.value.slice(0, -burst.text.length);
            const code = burst.text;
            burst = { target: null, text: "", last: 0 };
            send(code);
          }
          return;
        }
        if (event.key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey) {
          burst.text += event.key;
          burst.last = now;
        }
        return;
      }
      if (event.altKey || event.metaKey || (event.ctrlKey && !isGroupSeparator(event))) return;
      if (now - last > PAUSE_MS) buffer = "";
      last = now;
      if (isGroupSeparator(event)) {
        event.preventDefault();
        buffer += GS;
        return;
      }
      if (event.key === "Enter") {
        if (buffer.trim()) {
          event.preventDefault();
          const code = buffer;
          buffer = "";
          send(code);
        }
        return;
      }
      // A space with nothing collected is a key press on a button: leave it alone.
      if (event.key.length === 1 && !(event.key === " " && buffer === "")) {
        event.preventDefault();
        buffer += event.key;
      }
    },
    true,
  );
})();
