// Server mode: mark each table cell a review comment names, with the comment as its title.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("#review-notes li[data-target]").forEach(function (note) {
      var target = note.getAttribute("data-target");
      document.querySelectorAll("[data-cell]").forEach(function (cell) {
        if (cell.getAttribute("data-cell") !== target) return;
        var box = cell.closest("td") || cell;
        box.classList.add("commented");
        box.setAttribute("data-comment", note.textContent.trim());
        cell.setAttribute("title", note.textContent.trim());
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
})();
