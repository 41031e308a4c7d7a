/* Every form: a fresh submission key made here when the form opens, and a form sent only once. */
(function () {
  "use strict";

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  window.appNewSubmissionKey = newKey;

  function renewKeys(root) {
    root.querySelectorAll("input[data-submission-key][data-renew]").forEach(function (input) {
      input.value = newKey();
      input.removeAttribute("data-renew");
    });
  }

  function lock(form) {
    // Disabled after the browser has collected the fields: a disabled button would not be sent.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("data-locked", "");
      });
    }, 0);
  }

  function unlock(form) {
    delete form.dataset.sending;
    form.querySelectorAll("[data-locked]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-locked");
    });
  }
  window.appUnlockForm = unlock;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") { return; }
    if (form.hasAttribute("hx-post")) { return; }
    if (form.dataset.sending) { event.preventDefault(); return; }
    if (event.defaultPrevented) { return; }  // not sent (a question answered no, or a script sends it)
    form.dataset.sending = "1";
    lock(form);
  });

  // Coming back to a page from the browser's history: its forms may be used again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { document.querySelectorAll("form[data-sending]").forEach(unlock); }
  });

  renewKeys(document);
})();
