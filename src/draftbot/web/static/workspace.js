// Batch progress: poll the server until the batch is done, then show the summary.
(function () {
  "use strict";
  var box = document.getElementById("batch-running");
  if (!box || !box.dataset.progress) { return; }
  var label = document.getElementById("progress-label");
  var count = document.getElementById("progress-count");
  var bar = document.getElementById("progress-bar");
  function poll() {
    fetch(box.dataset.progress, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (!p.running) { window.location.reload(); return; }
        if (label) { label.textContent = p.label; }
        if (count) { count.textContent = p.done + " / " + p.total; }
        if (bar) { bar.max = p.total || 1; bar.value = p.done; }
        window.setTimeout(poll, 500);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
})();
