// Offline search: the index is a script (search-index.js), so it works from file:// as well.
// Links are made as board/render.py makes them: o/CODE.html, and #m<id> for a member.
(function () {
  var q = new URLSearchParams(location.search).get("q") || "";
  var box = document.getElementById("q"); if (box) box.value = q;
  var list = document.getElementById("results");
  var words = q.trim().toLowerCase();
  var index = window.BOARD_INDEX || {orgs: [], members: []};
  if (!words || !list) return;
  var found = [];
  function page(org) { return "o/" + encodeURIComponent(org[1]) + ".html"; }
  index.orgs.forEach(function (org) {
    if ((org[0] + " " + org[1]).toLowerCase().indexOf(words) >= 0) found.push([org[0], org[1], page(org)]);
  });
  index.members.forEach(function (member) {
    var org = index.orgs[member[1]];
    if (member[0].toLowerCase().indexOf(words) >= 0) found.push([member[0], org[0], page(org) + "#m" + member[2]]);
  });
  if (!found.length) { var li = document.createElement("li"); li.textContent = list.dataset.empty; list.appendChild(li); }
  found.slice(0, 200).forEach(function (e) {
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = e[2]; a.textContent = e[0]; li.appendChild(a);
    li.appendChild(document.createTextNode(" " + e[1])); list.appendChild(li);
  });
})();
