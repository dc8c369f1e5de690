// obverify verification page: drag-and-drop onto the file field, and submit as soon as a file is chosen.
// Everything works without this script (the form posts to / as it is).
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var drop = document.getElementById("drop");
  var file = document.getElementById("file");
  if (!form || !drop || !file) { return; }
  file.addEventListener("change", function () { if (file.files.length) { form.submit(); } });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      file.files = event.dataTransfer.files;
      form.submit();
    }
  });
}());
