/* Refresh 公示 status from the reader's clock: the page may be read days after it was built. */
(function () {
  var d = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  var els = document.querySelectorAll("[data-from]");
  for (var i = 0; i < els.length; i++) {
    var e = els[i], f = e.getAttribute("data-from"), t = e.getAttribute("data-to");
    var s = d < f ? "upcoming" : (t && d > t ? "ended" : "active");
    e.className = "status status-" + s;
    e.textContent = { upcoming: "未开始", active: "公示中", ended: "已结束" }[s];
  }
})();
