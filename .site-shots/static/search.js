// Offline search: the index is a script (search-index.js), so it works from file:// as well.
(function () {
  var q = new URLSearchParams(location.search).get("q") || "";
  var box = document.getElementById("q"); if (box) box.value = q;
  var list = document.getElementById("results");
  var words = q.trim().toLowerCase();
  if (!words || !list) return;
  var found = (window.BOARD_INDEX || []).filter(function (e) {
    return (e[0] + " " + e[1]).toLowerCase().indexOf(words) >= 0;
  }).slice(0, 200);
  if (!found.length) { var li = document.createElement("li"); li.textContent = list.dataset.empty; list.appendChild(li); }
  found.forEach(function (e) {
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = e[2]; a.textContent = e[0]; li.appendChild(a);
    li.appendChild(document.createTextNode(" " + e[1])); list.appendChild(li);
  });
})();
