// multitrack web app: poll the run's progress, load its results into the page, cancel a run.
// Plain JavaScript, no framework; every action also works as an ordinary form without it.
(function () {
  "use strict";
  const panel = document.getElementById("run-panel");
  const bar = document.getElementById("progress-bar");
  const text = document.getElementById("progress-text");
  const results = document.getElementById("results");
  const runButton = document.getElementById("run-button");
  const cancelButton = document.getElementById("cancel-button");
  const active = (state) => state === "queued" || state === "running";

  function show(status) {
    if (!panel) return;
    panel.dataset.state = status.state;
    if (bar) bar.value = status.fraction || 0;
    let words = status.state === "idle" ? "not run yet" : status.state;
    if (status.task) words += ": " + status.task + " " + status.done + "/" + status.total;
    if (status.message && status.message !== status.state) words += " (" + status.message + ")";
    if (text) text.textContent = words;
    if (runButton) runButton.disabled = active(status.state);
    if (cancelButton) cancelButton.disabled = !active(status.state);
  }

  // Scripts inserted with innerHTML do not run: replace each with a fresh copy so charts draw.
  function runScripts(root) {
    root.querySelectorAll("script").forEach((old) => {
      const fresh = document.createElement("script");
      fresh.text = old.textContent;
      old.replaceWith(fresh);
    });
  }

  async function loadResults() {
    const response = await fetch("/results", { cache: "no-store", credentials: "same-origin" });
    if (!response.ok) return;
    results.innerHTML = await response.text();
    runScripts(results);
  }

  async function poll() {
    let status;
    try {
      const response = await fetch("/progress", { cache: "no-store", credentials: "same-origin" });
      status = await response.json();
    } catch (err) {
      setTimeout(poll, 1500);
      return;
    }
    show(status);
    if (active(status.state)) setTimeout(poll, 300);
    else if (status.state === "done") await loadResults();
  }

  if (cancelButton) {
    cancelButton.addEventListener("click", async (event) => {
      event.preventDefault();
      cancelButton.disabled = true;
      await fetch("/cancel", { method: "POST", credentials: "same-origin",
                               headers: { "Content-Type": "application/json", "Accept": "application/json" },
                               body: "{}" });
      poll();
    });
  }

  // The picker shows an uploaded scenario as its choice; Load needs a built-in one picked.
  const picker = document.getElementById("builtin-name");
  const loadButton = document.getElementById("load-builtin");
  if (picker && loadButton) {
    const sync = () => { loadButton.disabled = !picker.value; };
    picker.addEventListener("change", sync);
    sync();
  }

  const firstError = document.querySelector(".field-error, .message.error");
  if (firstError) firstError.scrollIntoView({ block: "center" });
  if (panel && active(panel.dataset.state)) poll();
})();
