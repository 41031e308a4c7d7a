// The import page: choosing another kind (before a file is picked) reloads the page with its template.
document.getElementById("id_kind").addEventListener("change", function () {
  if (!document.getElementById("id_file").value) { window.location.search = "?kind=" + this.value; }
});
