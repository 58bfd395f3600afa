// Measures every SVG of a handout page as Chromium laid it out: the size of each text in
// CSS pixels (font size × the scale the page draws the SVG at), texts outside their
// image, and pairs of texts whose boxes overlap. scripts/checks/handout.sh puts this
// into a copy of the page (the handout itself has no script) and reads the result,
// base64 JSON in <pre id="shibori-probe">, from the DOM that --dump-dom prints.
(function () {
  var MIN_PX = 12;
  var bad = [], texts = 0, minPx = 1e9;
  document.querySelectorAll("svg").forEach(function (svg, si) {
    var vb = svg.viewBox.baseVal, box = svg.getBoundingClientRect();
    var scale = vb && vb.width ? box.width / vb.width : 1;
    var rs = [];
    svg.querySelectorAll("text").forEach(function (t) {
      var px = parseFloat(getComputedStyle(t).fontSize) * scale;
      texts++;
      if (px < minPx) minPx = px;
      if (px < MIN_PX - 0.01) bad.push("svg " + si + ": " + px.toFixed(2) + " px: " + t.textContent);
      var r = t.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) {
        bad.push("svg " + si + ": outside the image: " + t.textContent);
      }
      rs.push([r, t.textContent]);
    });
    // Labels inside boxes: a text must not cross a box's edge.
    svg.querySelectorAll("rect[rx='6']").forEach(function (b) {
      var br = b.getBoundingClientRect();
      rs.forEach(function (x) {
        var r = x[0];
        var inY = r.bottom > br.top + 0.5 && r.top < br.bottom - 0.5;
        var crosses = (r.left < br.left - 0.5 && r.right > br.left + 0.5) ||
          (r.left < br.right - 0.5 && r.right > br.right + 0.5);
        if (inY && crosses) bad.push("svg " + si + ": crosses a box edge: " + x[1]);
      });
    });
    for (var i = 0; i < rs.length; i++) {
      for (var j = i + 1; j < rs.length; j++) {
        var a = rs[i][0], b = rs[j][0];
        var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0.5 && h > 0.5) bad.push("svg " + si + ": overlap: '" + rs[i][1] + "' / '" + rs[j][1] + "'");
      }
    }
  });
  var result = {
    svgs: document.querySelectorAll("svg").length,
    texts: texts,
    minPx: minPx,
    width: document.documentElement.scrollWidth,
    bad: bad
  };
  var pre = document.createElement("pre");
  pre.id = "shibori-probe";
  pre.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(result))));
  document.body.appendChild(pre);
})();
