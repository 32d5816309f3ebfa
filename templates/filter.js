(function () {
  "use strict";
  // Progressive enhancement of the "Every demand" table: filters, sorting, and both kept in the page's address
  // (#all?status=not-met&sort=4-desc) so that a filtered view can be sent as a link. Without this script every
  // row is there and readable. Nothing from the data is ever run or written as HTML: only read and compared.
  // The script holds no words, so that its hash (allowed by the page's policy) is the same in every language: what
  // it writes comes from the filter box's data- attributes, written in the page's language, numbers as it writes them.
  var table = document.getElementById("all-demands"), box = document.getElementById("filter-box");
  if (!table || !box) { return; }
  var body = table.tBodies[0], heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var input = document.getElementById("filter"), shown = document.getElementById("filter-count");
  var selects = Array.prototype.slice.call(box.querySelectorAll("select[data-key]"));
  var rows = Array.prototype.map.call(body.rows, function (row) {
    return { row: row, text: row.textContent.toLowerCase(), attrs: row.dataset, keys: [] };
  });
  // A browser lays out every shown row again after each change: 10,000 rows took seconds. So at most STEP rows
  // are shown at once, with a button for the next ones (only a register that large ever sees it).
  var STEP = 200, limit = STEP, more = document.getElementById("filter-more");
  var language = document.documentElement.lang || undefined;
  var sorted = { col: -1, dir: 1 };
  box.hidden = false;

  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean), n = 0;
    var wanted = selects.filter(function (s) { return s.value; }), fragment = document.createDocumentFragment();
    for (var i = 0; i < rows.length; i += 1) {
      var r = rows[i], hit = true;
      for (var w = 0; hit && w < words.length; w += 1) { hit = r.text.indexOf(words[w]) >= 0; }
      for (var s = 0; hit && s < wanted.length; s += 1) { hit = r.attrs[wanted[s].dataset.key] === wanted[s].value; }
      var show = hit && n < limit;
      if (r.row.hidden === show) { r.row.hidden = !show; }
      if (show) { fragment.appendChild(r.row); }  // the shown rows, in the chosen order, go first
      if (hit) { n += 1; }
    }
    body.insertBefore(fragment, body.firstChild);
    var filtered = words.length || wanted.length, text = "";
    if (n > limit) {
      text = say(filtered ? "filteredMany" : "many", { shown: n, limit: limit });
    } else if (filtered) {
      text = say("filtered", { shown: n });
    }
    shown.textContent = text;
    more.hidden = n <= limit;
    more.textContent = say("more", { count: Math.min(STEP, n - limit) });
  }

  function say(name, numbers) {  // the page's words (its data- attributes, in its language) with the numbers put in
    return (box.dataset[name] || "").replace(/\{(\w+)\}/g, function (field, key) {
      return numbers.hasOwnProperty(key) ? numbers[key].toLocaleString(language) : field;
    });
  }

  function key(r, col) {  // a cell's sort key, read from the page once
    if (r.keys[col] === undefined) {
      var cell = r.row.cells[col], value = cell.getAttribute("data-value");
      if (value === null) { value = cell.textContent.trim().toLowerCase(); }
      if (heads[col].getAttribute("data-sort") === "number") { value = value === "" ? Infinity : Number(value); }
      r.keys[col] = value;
    }
    return r.keys[col];
  }

  function sortBy(col, dir) {  // orders the list; filter() then puts the shown rows in that order
    var keyed = rows.map(function (r, i) { return { key: key(r, col), at: i, item: r }; });
    keyed.sort(function (a, b) {
      if (a.key < b.key) { return -dir; }
      if (a.key > b.key) { return dir; }
      return a.at - b.at;
    });
    rows = keyed.map(function (k) { return k.item; });
    heads.forEach(function (th) { th.removeAttribute("aria-sort"); });
    heads[col].setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
    sorted = { col: col, dir: dir };
  }

  function remember() {
    var params = new URLSearchParams();
    if (input.value) { params.set("q", input.value); }
    selects.forEach(function (s) { if (s.value) { params.set(s.dataset.key, s.value); } });
    if (sorted.col >= 0) { params.set("sort", sorted.col + (sorted.dir > 0 ? "-asc" : "-desc")); }
    var state = params.toString();
    history.replaceState(null, "", state ? "#all?" + state : location.pathname + location.search);
  }

  heads.forEach(function (th, col) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () {
      sortBy(col, sorted.col === col ? -sorted.dir : 1);
      filter();
      remember();
    });
  });
  function refilter() { limit = STEP; filter(); remember(); }
  input.addEventListener("input", refilter);
  selects.forEach(function (s) { s.addEventListener("change", refilter); });
  more.addEventListener("click", function () { limit += STEP; filter(); });

  function restore() {  // a view sent as a link, or an address edited by hand
    if (location.hash.indexOf("#all?") !== 0) { return; }
    var params = new URLSearchParams(location.hash.slice(5));
    input.value = params.get("q") || "";
    selects.forEach(function (s) {
      var value = params.get(s.dataset.key) || "";
      s.value = Array.prototype.some.call(s.options, function (o) { return o.value === value; }) ? value : "";
    });
    var sort = /^(\d+)-(asc|desc)$/.exec(params.get("sort") || "");
    if (sort && Number(sort[1]) < heads.length) { sortBy(Number(sort[1]), sort[2] === "asc" ? 1 : -1); }
    filter();
    document.getElementById("all").scrollIntoView();
  }
  window.addEventListener("hashchange", restore);
  filter();
  restore();
})();
