// The day's timeline by keyboard (no drag): on a focused booking, ←/→ move it one slot
// earlier or later, ↑/↓ to the place above or below; the booking's dialog opens with the
// target filled in and asks for the reason (a move always has one). Enter or a click opens
// the dialog as it is; Esc closes it. The server checks the move (conflicts, opening
// hours) and comes back to the same booking.
(() => {
  const grid = document.querySelector(".agenda-grid");
  if (!grid) return;
  const slot = Number(grid.dataset.slot || "15");
  const pad = (n) => String(n).padStart(2, "0");
  const shifted = (hhmm, minutes) => {
    const [h, m] = hhmm.split(":").map(Number);
    const total = Math.max(0, Math.min(23 * 60 + 59, h * 60 + m + minutes));
    return `${pad(Math.floor(total / 60))}:${pad(total % 60)}`;
  };
  const open = (block, change) => {
    const dialog = document.getElementById(block.dataset.dialog);
    if (!dialog) return;
    const start = dialog.querySelector("input[name=start]");
    const place = dialog.querySelector("select[name=place]");
    if (start) start.value = change && change.minutes ? shifted(start.value, change.minutes) : block.dataset.start;
    if (place && change && change.places) {
      const next = place.selectedIndex + change.places;
      if (next >= 0 && next < place.options.length) place.selectedIndex = next;
    }
    dialog.showModal();
    const focus = change ? dialog.querySelector("input[name=reason]") : dialog.querySelector("input, select, button");
    if (focus) focus.focus();
    dialog.dataset.returnTo = block.id;
  };
  grid.addEventListener("keydown", (event) => {
    const block = event.target instanceof Element ? event.target.closest(".agenda-block") : null;
    if (!block) return;
    const moves = { ArrowLeft: { minutes: -slot }, ArrowRight: { minutes: slot }, ArrowUp: { places: -1 }, ArrowDown: { places: 1 } };
    if (moves[event.key]) {
      event.preventDefault();
      open(block, moves[event.key]);
    }
  });
  grid.addEventListener("click", (event) => {
    const block = event.target instanceof Element ? event.target.closest(".agenda-block") : null;
    if (block) open(block, null);
  });
  document.addEventListener("click", (event) => {
    const close = event.target instanceof Element ? event.target.closest("[data-close-dialog]") : null;
    if (close) close.closest("dialog").close();
  });
  document.querySelectorAll("dialog.agenda-dialog").forEach((dialog) => {
    dialog.addEventListener("close", () => {
      const back = document.getElementById(dialog.dataset.returnTo || "");
      if (back) back.focus();
    });
  });
  // back from a move or a state change: the same booking has the focus
  if (location.hash && location.hash.startsWith("#b")) {
    const block = document.getElementById(location.hash.slice(1));
    if (block) block.focus();
  }
})();
