// A report running in the background: asks for its state every 2 seconds, moves the
// progress bar, and reloads the page once the result is stored (or the run failed). The
// status box is a polite live region; "Aggiorna ora" does the same by hand. Gives up after
// 30 minutes.
(() => {
  const box = document.querySelector("[data-run-status]");
  if (!box) return;
  const bar = box.querySelector("[data-run-progress]");
  const percent = box.querySelector("[data-run-percent]");
  const url = box.dataset.runStatus;
  const started = Date.now();
  const ask = async () => {
    if (Date.now() - started > 30 * 60 * 1000) return;
    try {
      const answer = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (answer.ok) {
        const body = await answer.json();
        if (body.state !== "queued" && body.state !== "running") {
          window.location.reload();
          return;
        }
        if (bar) bar.value = body.progress;
        if (percent) percent.textContent = String(body.progress);
      }
    } catch (error) {
      // the network hiccuped: try again at the next tick
    }
    window.setTimeout(ask, 2000);
  };
  window.setTimeout(ask, 2000);
})();
