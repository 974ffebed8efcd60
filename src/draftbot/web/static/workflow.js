// Server mode: mark each table cell and prose section a review comment names (the cell's
// data path, or section:<key>), with the comment as its title.
(function () {
  "use strict";
  function targets(target) {
    if (target.indexOf("section:") === 0) {
      var key = target.slice("section:".length);
      return Array.prototype.filter.call(document.querySelectorAll("[data-section-text]"), function (el) {
        return el.getAttribute("data-section-text") === key;
      });
    }
    return Array.prototype.filter.call(document.querySelectorAll("[data-cell]"), function (el) {
      return el.getAttribute("data-cell") === target;
    });
  }
  function mark() {
    document.querySelectorAll("#review-notes li[data-target]").forEach(function (note) {
      var text = note.textContent.trim();
      targets(note.getAttribute("data-target")).forEach(function (el) {
        var box = el.tagName === "TEXTAREA" ? el : el.closest("td") || el;
        box.classList.add("commented");
        box.setAttribute("data-comment", text);
        el.setAttribute("title", text);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
})();
