/* The attendee list of the activity form: search by name, shortcuts for "all of my branch" and
   "members of this unit" (those working at the partnership's outside unit), whole-group ticks; a
   partner branch's group opens when it takes part, and choosing a pair ticks its branches. */
(function () {
  "use strict";
  var App = window.App = window.App || {};

  App.bindRoster = function (form) {
    var search = form.querySelector("#ws-attendee-search");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=attendees]"));
    var joint = form.querySelector("#id_joint");
    var unitButton = form.querySelector("[data-tick=unit]");

    function changed() { form.dispatchEvent(new Event("change", { bubbles: true })); }

    function tick(list) {
      var all = list.length && list.every(function (box) { return box.checked; });
      list.forEach(function (box) { box.checked = !all; });
      changed();
    }

    if (search) {
      search.addEventListener("input", function () {
        var text = search.value.trim().toLowerCase();
        boxes.forEach(function (box) {
          var cell = box.closest(".col");
          var shown = !text || (box.dataset.name || "").toLowerCase().indexOf(text) >= 0;
          cell.hidden = !shown;
        });
        form.querySelectorAll("details[data-branch]").forEach(function (group) {
          var any = group.querySelector(".col:not([hidden])");
          group.hidden = !any;
          if (text && any) { group.open = true; }
        });
      });
      // Enter in the search box must not send the form.
      search.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
    }

    form.querySelectorAll("[data-tick=group]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var group = button.closest("details");
        group.open = true;
        tick(Array.prototype.slice.call(group.querySelectorAll("input[name=attendees]")));
      });
    });
    var own = form.querySelector("[data-tick=own]");
    if (own) {
      own.addEventListener("click", function () {
        tick(boxes.filter(function (box) { return box.dataset.branch === own.dataset.branch; }));
      });
    }

    function chosenOrg() {
      var option = joint && joint.options[joint.selectedIndex];
      return (option && option.getAttribute("data-org")) || "";
    }
    function refreshUnit() {
      if (!unitButton) { return; }
      var org = chosenOrg();
      var members = boxes.filter(function (box) { return org && box.dataset.org === org; });
      unitButton.hidden = members.length === 0;
    }
    if (unitButton) {
      unitButton.addEventListener("click", function () {
        var org = chosenOrg();
        tick(boxes.filter(function (box) { return org && box.dataset.org === org; }));
      });
    }

    form.querySelectorAll("input[name=branches]").forEach(function (cb) {
      cb.addEventListener("change", function () {
        var group = form.querySelector('details[data-branch="' + cb.value + '"]');
        if (group && cb.checked) { group.open = true; }
      });
    });
    // Choosing a pair ticks its partner branches (each pair's option lists them in data-branches);
    // choosing something else unticks those ticked here.
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
          var cb = form.querySelector('input[name=branches][value="' + id + '"]');
          if (cb && !cb.checked) {
            cb.checked = true;
            ticked.push(cb);
            cb.dispatchEvent(new Event("change", { bubbles: true }));
          }
        });
        refreshUnit();
      });
    }
    refreshUnit();
  };
})();
