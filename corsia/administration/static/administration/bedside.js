// The bedside page: keyboard-wedge scans are never lost.
//
// A barcode scanner in keyboard mode "types" the code and presses Enter into whatever has
// the focus. A tap anywhere moves the focus, so the page listens to every key itself
// (document, capture phase): unless the nurse is typing in a real form field (a reason,
// say), the keys are collected in a buffer (keys more than GAP_MS apart start a new one)
// and Enter sends the buffer as one scan. The scan field gets the keys too when it has the
// focus, and the focus goes back to it after every answer and every tap on nothing.
//
// Every scan and every form of the page is posted to the server (the same view, the same
// permission), one at a time and in order: scans read while an answer is on its way wait
// in a queue. The answer page's #bedside-root replaces this one; the session lives on the
// server, the page only shows it.
//
// For tests and for the screen reader: body[data-scan-state] is "idle" or "busy",
// body[data-scans-answered] counts the answers, #bedside-live repeats the answer's text.
(() => {
  "use strict";
  const GAP_MS = 500;
  const ROOT = "#bedside-root";
  const queue = [];
  let buffer = "";
  let lastKeyAt = 0;
  let busy = false;
  let answered = 0;

  const root = () => document.querySelector(ROOT);
  const scanField = () => document.querySelector("[data-scan-field]");
  const scanForm = () => document.querySelector("[data-scan-form]");

  function setState() {
    document.body.dataset.scanState = busy || queue.length ? "busy" : "idle";
    document.body.dataset.scansAnswered = String(answered);
    document.body.dataset.scansQueued = String(queue.length);
  }

  // A field where the nurse types: keys are theirs, not the scanner's.
  function isTypingField(element) {
    if (!(element instanceof Element) || element.matches("[data-scan-field]")) return false;
    if (element.isContentEditable) return true;
    if (element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) return true;
    if (!(element instanceof HTMLInputElement)) return false;
    return !["button", "submit", "reset", "checkbox", "radio", "hidden", "image", "file", "range", "color"].includes(element.type);
  }

  function focusScan() {
    const field = scanField();
    if (field && !isTypingField(document.activeElement)) field.focus({ preventScroll: true });
  }

  function beep() {
    try {
      const audio = new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator();
      tone.frequency.value = 880;
      tone.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.6);
    } catch (_ignored) { /* no sound: the red banner still says it */ }
  }

  function swapIn(html) {
    const next = new DOMParser().parseFromString(html, "text/html").querySelector(ROOT);
    const here = root();
    if (!next || !here) return false;
    here.replaceWith(document.importNode(next, true));
    const answer = document.querySelector("[data-testid=bedside-result], [data-testid=bedside-error], [data-testid=bedside-notice]");
    const live = document.getElementById("bedside-live");
    if (live) live.textContent = answer ? answer.textContent.replace(/\s+/g, " ").trim() : "";
    if (document.querySelector("[data-alarm]")) beep();
    return true;
  }

  async function post(form, extra) {
    const body = new FormData(form);
    for (const [name, value] of Object.entries(extra || {})) body.set(name, value);
    // getAttribute: the form's field named "action" hides the form.action property
    const response = await fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    const html = await response.text();
    if (!swapIn(html)) {
      // not the bedside page (signed out, an error page): show it as it is
      document.open();
      document.write(html);
      document.close();
    }
  }

  async function drain() {
    if (busy) return;
    busy = true;
    setState();
    while (queue.length) {
      const job = queue[0];
      try {
        await post(job.form(), job.extra);
        queue.shift();
        answered += 1;
      } catch (_failure) {
        // no network: keep every scan not yet answered, say so, and stop until the next one
        const live = document.getElementById("bedside-live");
        const field = scanField();
        if (field && job.extra && job.extra.scan) field.value = job.extra.scan;
        if (live) live.textContent = "Connessione assente: la scansione non è stata inviata. Premere Invio per riprovare.";
        queue.length = 0;
        break;
      }
      setState();
      focusScan();
    }
    busy = false;
    setState();
    focusScan();
  }

  function sendScan(code) {
    const text = code.trim();
    if (!text) return;
    const field = scanField();
    if (field) field.value = "";
    queue.push({ form: scanForm, extra: { action: "scan", scan: text } });
    drain();
  }

  // Every key of the page, before anything else sees it.
  document.addEventListener("keydown", (event) => {
    if (!root() || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
    const target = event.target;
    if (isTypingField(target)) return;
    const now = performance.now();
    if (now - lastKeyAt > GAP_MS) buffer = "";
    lastKeyAt = now;
    const field = scanField();
    const inField = field && target === field;
    if (event.key === "Enter") {
      const code = inField ? field.value : buffer;
      buffer = "";
      if (!code.trim()) return; // Enter on a button or a link does what it does
      event.preventDefault();
      sendScan(code);
      return;
    }
    if (inField) return; // the field types it; Enter sends it
    if (event.key === " " && !buffer) return; // Space on a button or a link presses it
    if (event.key.length === 1) {
      buffer += event.key;
      if (field) field.value = buffer; // the nurse sees what is being read
      event.preventDefault(); // not a shortcut, a scroll or a button's "click"
    }
  }, true);

  // Forms of the page (close, end, override, no badge, the scan field's button): posted
  // in the same queue, so nothing overtakes a scan.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-bedside-form]")) return;
    event.preventDefault();
    if (form.matches("[data-scan-form]")) {
      const field = scanField();
      sendScan(field ? field.value : "");
      return;
    }
    const snapshot = new FormData(form);
    const extra = Object.fromEntries(snapshot.entries());
    queue.push({ form: scanForm, extra });
    drain();
  });

  // A tap on nothing in particular gives the focus back to the scan field.
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (target instanceof Element && target.closest("a, button, input, select, textarea, label, [tabindex]")) return;
    window.setTimeout(focusScan, 0);
  });

  setState();
  focusScan();
})();
