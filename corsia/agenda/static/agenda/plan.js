// «Piano in calcolo»: asks the API for the request's state every 3 seconds and reloads the
// page once the plan is ready (or the computation failed). The status box is a polite live
// region, so a screen reader hears the change; the "Aggiorna ora" link does the same by
// hand, and without JavaScript the page is reloaded by the user. Gives up after 10 minutes.
(() => {
  const box = document.querySelector("[data-plan-status]");
  if (!box) return;
  const url = box.dataset.planStatus;
  const started = Date.now();
  const ask = async () => {
    if (Date.now() - started > 10 * 60 * 1000) return;
    try {
      const answer = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (answer.ok) {
        const body = await answer.json();
        if (body.state !== "queued" && body.state !== "running") {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // the network hiccuped: try again at the next tick
    }
    window.setTimeout(ask, 3000);
  };
  window.setTimeout(ask, 3000);
})();
