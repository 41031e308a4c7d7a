// The visit form: "add a finding" copies the empty finding form (Django formset) with the next index.
document.getElementById("add-finding").addEventListener("click", function () {
  var total = document.getElementById("id_findings-TOTAL_FORMS");
  var index = parseInt(total.value, 10);
  var html = document.getElementById("finding-template").innerHTML.replace(/__prefix__/g, index);
  document.getElementById("findings").insertAdjacentHTML("beforeend", html);
  total.value = index + 1;
});
