/* The activity form on a phone: photos shrunk before they are sent and added up shot after shot,
   each file with its type, a progress bar while sending, one send per tap, a draft kept on the
   phone as it is typed, and the entry kept in the outbox (outbox.js) when the network is away. */
(function () {
  "use strict";
  var App = window.App || {};
  var LONG_SIDE = 2000;
  var SHRINKABLE = /^image\/(jpeg|png|webp)$/;
  var T = JSON.parse((document.getElementById("ws-form-texts") || {}).textContent || "{}");
  var items = [];          // files chosen so far: {blob, name, kind, size}
  var sending = false;
  var draftTimer = null;
  var form = null;
  var pending = Promise.resolve();  // photos still being shrunk

  function draftId() { return form.dataset.draft ? window.location.pathname + window.location.search : null; }

  function shrink(file) {
    if (!SHRINKABLE.test(file.type) || !window.createImageBitmap) { return Promise.resolve(file); }
    return window.createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      var width = Math.round(bitmap.width * scale);
      var height = Math.round(bitmap.height * scale);
      var canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, width, height);
      context.drawImage(bitmap, 0, 0, width, height);
      if (bitmap.close) { bitmap.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || (scale === 1 && blob.size >= file.size)) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function renderFiles() {
    var list = form.querySelector("#ws-chosen-files");
    if (!list) { return; }
    list.innerHTML = "";
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.className = "d-flex align-items-center gap-2 mb-1 ws-chosen";
      var name = document.createElement("span");
      name.className = "text-truncate flex-grow-1";
      name.textContent = "📎 " + item.name + "（" + sizeText(item.blob.size) + "）";
      var select = document.createElement("select");
      select.className = "form-select form-select-sm w-auto";
      select.setAttribute("aria-label", T.kind || "");
      select.dataset.fileKind = String(index);
      (T.kinds || []).forEach(function (choice) {
        var option = document.createElement("option");
        option.value = choice[0];
        option.textContent = choice[1];
        option.selected = choice[0] === item.kind;
        select.appendChild(option);
      });
      select.addEventListener("change", function () { item.kind = select.value; saveDraftSoon(); });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-outline-secondary";
      remove.textContent = T.remove || "×";
      remove.addEventListener("click", function () { items.splice(index, 1); renderFiles(); saveDraftSoon(); });
      li.appendChild(name);
      li.appendChild(select);
      li.appendChild(remove);
      list.appendChild(li);
    });
    var count = form.querySelector("#ws-file-count");
    if (count) { count.textContent = items.length ? (T.chosen || "{n}").replace("{n}", String(items.length)) : ""; }
  }

  function addFiles(input) {
    var chosen = Array.prototype.slice.call(input.files || []);
    input.value = "";  // the same photo can be chosen again; what was chosen lives in `items`
    var guess = input.dataset.kind;
    pending = pending.then(function () { return Promise.all(chosen.map(shrink)); }).then(function (files) {
      files.forEach(function (file) {
        var kind = guess || (/^image\//.test(file.type) ? "photo" : "document");
        items.push({ blob: file, name: file.name, kind: kind });
      });
      renderFiles();
      saveDraftSoon();
    });
  }

  function fields() {
    var data = new FormData(form);
    var pairs = [];
    data.forEach(function (value, name) {
      if (typeof value === "string" && name !== "file_kinds") { pairs.push([name, value]); }
    });
    return pairs;
  }

  function key() {
    var input = form.querySelector("input[data-submission-key]");
    return input ? input.value : "";
  }

  function entry() {
    var title = form.querySelector("[name=title]");
    var date = form.querySelector("[name=date]");
    return {
      key: key(), url: window.location.pathname + window.location.search, fields: fields(), files: items.slice(),
      title: (title && title.value) || T.untitled || "", date: (date && date.value) || "", page: document.title
    };
  }

  function saveDraftSoon() {
    var id = draftId();
    if (!id || !App.store) { return; }
    window.clearTimeout(draftTimer);
    draftTimer = window.setTimeout(function () {
      var value = entry();
      value.id = id;
      value.savedAt = new Date().toISOString();
      App.store.put("drafts", value);
    }, 250);
  }

  function restoreDraft() {
    var id = draftId();
    if (!id || !App.store || form.dataset.bound === "1") { return Promise.resolve(); }
    return App.store.get("drafts", id).then(function (draft) {
      if (!draft) { return; }
      var byName = {};
      draft.fields.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken" || !(el.name in byName)) { return; }
        var values = byName[el.name];
        if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) >= 0; }
        else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
        } else { el.value = values[0]; }
      });
      Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (el) {
        if (el.name && !(el.name in byName) && !el.disabled) { el.checked = false; }
      });
      items = (draft.files || []).slice();
      renderFiles();
      var notice = form.querySelector("#ws-draft-notice");
      if (notice) {
        notice.hidden = false;
        notice.querySelector("[data-when]").textContent = new Date(draft.savedAt).toLocaleString();
      }
    });
  }

  function clearDraft() {
    var id = draftId();
    window.clearTimeout(draftTimer);
    return id && App.store ? App.store.remove("drafts", id) : Promise.resolve();
  }

  function progress(fraction) {
    var bar = form.querySelector("#ws-progress");
    if (!bar) { return; }
    bar.hidden = fraction === null;
    var inner = bar.querySelector(".progress-bar");
    var percent = Math.round((fraction || 0) * 100);
    inner.style.width = percent + "%";
    inner.setAttribute("aria-valuenow", String(percent));
    inner.textContent = percent + "%";
  }

  function lock(locked) {
    sending = locked;
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = locked;
      var label = button.querySelector("[data-label]");
      if (label) { label.textContent = locked ? T.sending : T.save; }
    });
    if (!locked) { delete form.dataset.sending; }
  }

  function keptOnPhone() {
    var value = entry();
    return App.queue(value).then(clearDraft).then(function () {
      progress(null);
      lock(false);
      var waiting = form.querySelector("#ws-queued");
      if (waiting) { waiting.hidden = false; }
      // The form is free for the next entry, with a key of its own.
      form.reset();
      var input = form.querySelector("input[data-submission-key]");
      if (input && window.appNewSubmissionKey) { input.value = window.appNewSubmissionKey(); }
      items = [];
      renderFiles();
      window.scrollTo(0, 0);
    });
  }

  function refused(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("form.ws-activity-form");
    if (!fresh) { return; }
    form.replaceWith(fresh);
    bind(fresh);
    renderFiles();
    window.scrollTo(0, 0);
  }

  function submit(event) {
    event.preventDefault();
    if (sending) { return; }
    lock(true);
    pending.then(send);
  }

  function send() {
    var value = entry();
    if (!App.send || navigator.onLine === false) { keptOnPhone(); return; }
    progress(0);
    var cancel = form.querySelector("#ws-cancel");
    App.send(value, progress, function (xhr) {
      if (!cancel) { return; }
      cancel.hidden = false;
      cancel.onclick = function () { xhr.abort(); };
    }).then(function (result) {
      if (cancel) { cancel.hidden = true; cancel.onclick = null; }
      if (result.outcome === "cancelled") {
        progress(null);
        lock(false);
        var note = form.querySelector("#ws-send-error");
        if (note) { note.hidden = false; note.textContent = T.cancelled || ""; }
        return;
      }
      if (result.outcome === "saved") {
        clearDraft().then(function () { window.location.assign(result.url); });
        return;
      }
      if (result.outcome === "offline" || result.outcome === "login") { keptOnPhone(); return; }
      progress(null);
      lock(false);
      if (result.outcome === "refused") { refused(result.html); return; }
      var problem = form.querySelector("#ws-send-error");
      if (problem) { problem.hidden = false; problem.textContent = (T.failed || "") + " (" + result.status + ")"; }
    });
  }

  function bind(element) {
    form = element;
    form.addEventListener("submit", submit);
    form.addEventListener("input", saveDraftSoon);
    form.addEventListener("change", function (event) {
      if (event.target.type === "file") { addFiles(event.target); } else { saveDraftSoon(); }
    });
    var discard = form.querySelector("[data-discard-draft]");
    if (discard) {
      discard.addEventListener("click", function () {
        clearDraft().then(function () { window.location.reload(); });
      });
    }
    if (App.bindRoster) { App.bindRoster(form); }
  }

  var element = document.querySelector("form.ws-activity-form");
  if (!element) { return; }
  bind(element);
  restoreDraft();
  // An entry opened from the outbox to be corrected comes back as this form's draft.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { lock(false); progress(null); } });
})();
