/* Long pages fold by section on a phone: each card marked `data-fold` shows only its header until
   tapped, so a pair page with all its projects and tasks fits a few screens. Wider screens and
   browsers without JavaScript see everything open. */
(function () {
  "use strict";
  var PHONE = window.matchMedia("(max-width: 767.98px)");

  function setFolded(card, folded) {
    card.classList.toggle("ws-folded", folded);
    var head = card.querySelector(":scope > .card-header");
    if (head) { head.setAttribute("aria-expanded", folded ? "false" : "true"); }
  }

  function prepare(card) {
    if (card.dataset.foldReady) { return; }
    card.dataset.foldReady = "1";
    var head = card.querySelector(":scope > .card-header");
    if (!head) { return; }
    head.classList.add("ws-fold-head");
    head.setAttribute("role", "button");
    head.tabIndex = 0;
    function toggle(event) {
      if (event.target.closest("a, button, input, select, label")) { return; }
      setFolded(card, !card.classList.contains("ws-folded"));
    }
    head.addEventListener("click", toggle);
    head.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(event); }
    });
    // A link to a section (#project-3, #problems) opens it.
    setFolded(card, PHONE.matches && window.location.hash !== "#" + card.id);
  }

  function prepareAll(root) { root.querySelectorAll("[data-fold]").forEach(prepare); }
  prepareAll(document);
  // Project cards come back through htmx after a task is saved: keep them open.
  document.addEventListener("htmx:afterSwap", function (event) {
    event.detail.target.querySelectorAll("[data-fold]").forEach(function (card) {
      prepare(card);
      setFolded(card, false);
    });
    if (event.detail.target.matches && event.detail.target.matches("[data-fold]")) { setFolded(event.detail.target, false); }
  });
})();
