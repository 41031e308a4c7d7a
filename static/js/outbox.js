/* Entries kept on the phone: drafts of forms being typed, and the outbox of forms sent while the
   network was away. Loaded on every page: shows 待发送 with the count, and sends what waits as soon
   as the network is back. Each entry carries the submission key its form was opened with, so the
   server saves it once however often it is sent (config/idempotency.py). */
(function () {
  "use strict";
  var App = window.App = window.App || {};
  var DB_NAME = "dangjian-field";
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = window.indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains("outbox")) { db.createObjectStore("outbox", { keyPath: "key" }); }
          if (!db.objectStoreNames.contains("drafts")) { db.createObjectStore("drafts", { keyPath: "id" }); }
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { opening = null; reject(request.error); };
      });
    }
    return opening;
  }

  function run(store, mode, operation) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(store, mode);
        var request = operation(transaction.objectStore(store));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  App.store = {
    get: function (store, key) { return run(store, "readonly", function (s) { return s.get(key); }); },
    put: function (store, value) { return run(store, "readwrite", function (s) { return s.put(value); }); },
    remove: function (store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); },
    all: function (store) { return run(store, "readonly", function (s) { return s.getAll(); }); }
  };

  function texts() {
    var badge = document.getElementById("app-outbox");
    return badge ? badge.dataset : {};
  }

  App.formData = function (entry) {
    var data = new FormData();
    entry.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    (entry.files || []).forEach(function (file) {
      data.append("files", file.blob, file.name);
      data.append("file_kinds", file.kind || "");
    });
    return data;
  };

  function pathOf(url) {
    try { return new URL(url, window.location.href).pathname; } catch (e) { return ""; }
  }

  /* Send one entry; resolves with what happened: saved (url of the record), offline, login,
     refused (the form came back with its errors: html) or failed (another answer: status). */
  App.send = function (entry, onProgress, onStart) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      if (onStart) { onStart(xhr); }
      xhr.open("POST", entry.url);
      xhr.setRequestHeader("X-Form-Xhr", "1");
      if (onProgress) {
        xhr.upload.onprogress = function (event) {
          if (event.lengthComputable) { onProgress(event.loaded / event.total); }
        };
      }
      xhr.onload = function () {
        var target = xhr.getResponseHeader("X-Redirect-To");
        if (xhr.status === 0) { resolve({ outcome: "offline" }); return; }
        if (target && pathOf(target).indexOf("/accounts/login") === 0) { resolve({ outcome: "login" }); return; }
        if (target) { resolve({ outcome: "saved", url: target }); return; }
        if (pathOf(xhr.responseURL).indexOf("/accounts/login") === 0) { resolve({ outcome: "login" }); return; }
        if (xhr.status === 200) { resolve({ outcome: "refused", html: xhr.responseText }); return; }
        if (xhr.status === 400 || xhr.status === 502 || xhr.status === 503 || xhr.status === 504) {
          resolve({ outcome: "offline", status: xhr.status });  // cut short on the way: send again
          return;
        }
        resolve({ outcome: "failed", status: xhr.status, text: xhr.responseText });
      };
      xhr.onerror = function () { resolve({ outcome: "offline" }); };
      xhr.ontimeout = xhr.onerror;
      xhr.onabort = function () { resolve({ outcome: "cancelled" }); };
      xhr.send(App.formData(entry));
    });
  };

  App.queue = function (entry) {
    entry.state = "waiting";
    entry.savedAt = entry.savedAt || new Date().toISOString();
    return App.store.put("outbox", entry).then(App.refreshBadge).then(function () {
      if (navigator.serviceWorker && navigator.serviceWorker.ready && window.SyncManager) {
        navigator.serviceWorker.ready.then(function (reg) { return reg.sync.register("outbox"); }).catch(function () {});
      }
    });
  };

  App.refreshBadge = function () {
    var badge = document.getElementById("app-outbox");
    if (!badge || !window.indexedDB) { return Promise.resolve(0); }
    return App.store.all("outbox").then(function (entries) {
      badge.hidden = entries.length === 0;
      badge.querySelector("[data-count]").textContent = String(entries.length);
      document.dispatchEvent(new CustomEvent("app:outbox", { detail: entries }));
      return entries.length;
    });
  };

  function errorText(html) {
    var doc = new DOMParser().parseFromString(html || "", "text/html");
    var parts = [];
    doc.querySelectorAll(".invalid-feedback, .alert-danger div").forEach(function (node) {
      var text = node.textContent.trim();
      if (text && parts.indexOf(text) < 0) { parts.push(text); }
    });
    return parts.join(" ");
  }

  var flushing = null;

  /* Send every waiting entry, one after the other; `only` sends just that one (retry). */
  App.flush = function (only) {
    if (flushing) { return flushing; }
    if (navigator.onLine === false || !window.indexedDB) { return Promise.resolve(); }
    var t = texts();
    var sent = 0;
    flushing = App.store.all("outbox").then(function (entries) {
      var chain = Promise.resolve();
      entries.filter(function (e) { return only ? e.key === only : e.state !== "refused"; }).forEach(function (entry) {
        chain = chain.then(function () {
          return App.send(entry).then(function (result) {
            if (result.outcome === "saved") { sent += 1; return App.store.remove("outbox", entry.key); }
            if (result.outcome === "offline" || result.outcome === "cancelled") { return null; }
            entry.state = result.outcome === "login" ? "waiting" : "refused";
            entry.message = result.outcome === "login" ? t.login : result.outcome === "refused"
              ? (errorText(result.html) || t.refused) : (t.failed + " (" + result.status + ")");
            return App.store.put("outbox", entry);
          });
        });
      });
      return chain;
    }).then(function () {
      flushing = null;
      if (sent && t.sent) { App.notify(t.sent.replace("{n}", String(sent)), "success"); }
      return App.refreshBadge();
    }, function () { flushing = null; });
    return flushing;
  };

  App.notify = function (text, kind) {
    var main = document.querySelector("main");
    if (!main) { return; }
    var box = document.createElement("div");
    box.className = "alert alert-" + (kind || "info") + " app-notice";
    box.setAttribute("role", "status");
    box.textContent = text;
    main.insertBefore(box, main.firstChild);
  };

  if (!window.indexedDB) { return; }
  App.refreshBadge();
  window.addEventListener("online", function () { App.flush(); });
  window.setInterval(function () { App.flush(); }, 20000);
  App.flush();

  // Logging out: pages kept for offline reading belong to this person, drop them (not the outbox).
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-logout]") && window.caches) {
      window.caches.keys().then(function (names) {
        names.filter(function (n) { return n.indexOf("pages-") === 0; }).forEach(function (n) { window.caches.delete(n); });
      });
    }
  });

  if ("serviceWorker" in navigator) {
    var sw = document.querySelector("meta[name=app-service-worker]");
    if (sw) { navigator.serviceWorker.register(sw.content, { scope: "/" }).catch(function () {}); }
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data === "flush-outbox") { App.flush(); }
    });
  }
})();
