// Behaviours every page may use, declared in the markup (the Content-Security-Policy allows no inline
// script or on*= attribute):
//   <form data-confirm="确定…？">        asks before submitting
//   <select data-autosubmit>             submits its form when changed
//   <button data-print>                  prints the page
//   <button data-remove-closest=".sel">  removes the nearest ancestor matching .sel
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  }, true);
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) { field.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print],[data-remove-closest]") : null;
    if (!target) { return; }
    if (target.hasAttribute("data-print")) { window.print(); return; }
    var gone = target.closest(target.getAttribute("data-remove-closest"));
    if (gone) { gone.remove(); }
  });
})();
