/* The 待发送 page: each entry waiting on this phone, to send again now, open and correct, or discard. */
(function () {
  "use strict";
  var App = window.App || {};
  var root = document.getElementById("ws-outbox");
  if (!root || !App.store) { return; }
  var T = root.dataset;
  var list = root.querySelector("[data-list]");

  function button(label, css, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm " + css;
    b.textContent = label;
    b.addEventListener("click", action);
    return b;
  }

  function draw(entries) {
    root.querySelector("[data-empty]").hidden = entries.length > 0;
    list.innerHTML = "";
    entries.sort(function (a, b) { return a.savedAt < b.savedAt ? -1 : 1; }).forEach(function (entry) {
      var li = document.createElement("li");
      li.className = "list-group-item";
      li.dataset.key = entry.key;
      var title = document.createElement("div");
      title.className = "fw-semibold";
      title.textContent = entry.title + (entry.date ? "（" + entry.date + "）" : "");
      var meta = document.createElement("div");
      meta.className = "small text-muted";
      meta.textContent = new Date(entry.savedAt).toLocaleString() + " · " +
        T.files.replace("{n}", String((entry.files || []).length));
      var state = document.createElement("div");
      state.className = "small " + (entry.state === "refused" ? "text-danger" : "text-body-secondary");
      state.textContent = entry.message || T.waiting;
      var actions = document.createElement("div");
      actions.className = "d-flex flex-wrap gap-2 mt-2";
      actions.appendChild(button(T.retry, "btn-primary", function () {
        if (navigator.onLine === false) { window.alert(T.offline); return; }
        entry.state = "waiting";
        App.store.put("outbox", entry).then(function () { return App.flush(entry.key); });
      }));
      actions.appendChild(button(T.edit, "btn-outline-secondary", function () {
        // Back into its form as a draft, keeping its key: once corrected it is still saved only once.
        var draft = Object.assign({}, entry, { id: entry.url });
        App.store.put("drafts", draft).then(function () { return App.store.remove("outbox", entry.key); })
          .then(function () { window.location.assign(entry.url); });
      }));
      actions.appendChild(button(T.discard, "btn-outline-danger", function () {
        if (window.confirm(T.confirm)) { App.store.remove("outbox", entry.key).then(App.refreshBadge); }
      }));
      li.appendChild(title);
      li.appendChild(meta);
      li.appendChild(state);
      li.appendChild(actions);
      list.appendChild(li);
    });
  }

  document.addEventListener("app:outbox", function (event) { draw(event.detail); });
  App.store.all("outbox").then(draw);
})();
