/* Service worker of the installable web app (rendered by config/pwa_views.py).
   Static files come from the phone once fetched; each page a person opens is kept, so that without a
   network it opens as it was at the last visit (or the offline page if it was never opened). Sending
   forms is not handled here: the pages keep what could not be sent in their outbox (js/outbox.js). */
"use strict";
var VERSION = "{{ version }}";
var SHELL = {{ shell|safe }};
var OFFLINE = {{ offline_url|safe }};
var SHELL_CACHE = "shell-" + VERSION;
var PAGES_CACHE = "pages-v1";
var NOT_KEPT = ["/admin/", "/api/", "/accounts/", "/i18n/", "/healthz", "/sw.js", "/offline/"];

// Pages a secretary needs in the field even before visiting them: the activity form and 待发送.
var FIELD_PAGES = {{ field_pages|safe }};

function keepFieldPages() {
  return caches.open(PAGES_CACHE).then(function (cache) {
    return Promise.all(FIELD_PAGES.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) { return cache.put(url, response); }
        return null;
      }).catch(function () { return null; });
    }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.addAll(SHELL.concat([OFFLINE]));
  }).then(keepFieldPages).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("shell-") === 0 && name !== SHELL_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(url) {
  return !NOT_KEPT.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; });
}

function keep(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(PAGES_CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

function fromCache(request) {
  return caches.match(request, { ignoreVary: true });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(fromCache(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate") {
    if (!kept(url)) { return; }
    event.respondWith(fetch(request).then(function (response) { return keep(request, response); }).catch(function () {
      return fromCache(request).then(function (hit) { return hit || caches.match(OFFLINE); });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || /\/thumbnail\/$/.test(url.pathname) ||
      url.pathname === "/manifest.webmanifest") {
    event.respondWith(fetch(request).then(function (response) { return keep(request, response); }).catch(function () {
      return fromCache(request);
    }));
  }
});

// Background sync: the network is back while a page is open; ask it to send its outbox.
self.addEventListener("sync", function (event) {
  if (event.tag !== "outbox") { return; }
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage("flush-outbox"); });
  }));
});
