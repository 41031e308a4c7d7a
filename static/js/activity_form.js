(function () {
  // Show the files chosen from the gallery and the camera; open a partner's roster when it takes part.
  var list = document.getElementById("ws-chosen-files");
  var inputs = document.querySelectorAll('input[type=file][name=files]');
  function refresh() {
    list.innerHTML = "";
    inputs.forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) {
        var li = document.createElement("li");
        li.textContent = "📎 " + f.name + "（" + Math.max(1, Math.round(f.size / 1024)) + " KB）";
        list.appendChild(li);
      });
    });
  }
  inputs.forEach(function (input) { input.addEventListener("change", refresh); });
  document.querySelectorAll('input[name=branches]').forEach(function (cb) {
    cb.addEventListener("change", function () {
      var group = document.querySelector('details[data-branch="' + cb.value + '"]');
      if (group && cb.checked) { group.open = true; }
    });
  });
  // Choosing a pair ticks its partner branches (each pair's option lists them in data-branches);
  // choosing something else unticks those this script ticked.
  var joint = document.getElementById("id_joint");
  var ticked = [];
  if (joint) {
    joint.addEventListener("change", function () {
      var option = joint.options[joint.selectedIndex];
      var ids = ((option && option.getAttribute("data-branches")) || "").split(" ").filter(Boolean);
      ticked = ticked.filter(function (cb) {
        if (ids.indexOf(cb.value) < 0) { cb.checked = false; return false; }
        return true;
      });
      ids.forEach(function (id) {
        var cb = document.querySelector('input[name=branches][value="' + id + '"]');
        if (cb && !cb.checked) {
          cb.checked = true;
          ticked.push(cb);
          cb.dispatchEvent(new Event("change"));
        }
      });
    });
  }
})();
