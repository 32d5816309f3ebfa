(function () {
  var box = document.getElementById("filter-box"), input = document.getElementById("filter");
  var rows = document.querySelectorAll("#all-demands tbody tr"), shown = document.getElementById("filter-count");
  box.hidden = false;
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean), n = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !hit; if (hit) { n += 1; }
    });
    shown.textContent = words.length ? n + " of " + rows.length + " demands shown" : "";
  });
})();
