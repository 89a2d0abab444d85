// unspun network view: outlets as nodes, "who copies whom" as arrows, laid out by a small force
// simulation written here (no library, nothing fetched). Data comes from the page's JSON block;
// every label is set with textContent, never as markup.
"use strict";
(function () {
  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function describeKinds(kinds) {
    return Object.keys(kinds).sort().map(function (k) { return k + " " + kinds[k]; }).join(", ");
  }

  function start() {
    var box = document.getElementById("network");
    var block = document.getElementById("network-data");
    var tip = document.getElementById("network-tip");
    if (!box || !block) return;
    var data = JSON.parse(block.textContent);
    var width = box.clientWidth || 900, height = box.clientHeight || 560;
    var svg = el("svg", {viewBox: "0 0 " + width + " " + height, role: "img"}, box);
    var defs = el("defs", {}, svg);
    var marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7",
                               markerHeight: "7", orient: "auto-start-reverse"}, defs);
    el("path", {d: "M 0 0 L 10 5 L 0 10 z", fill: "#9aa2b1"}, marker);
    var edgeLayer = el("g", {"class": "edges"}, svg);
    var nodeLayer = el("g", {"class": "nodes"}, svg);

    var byId = {};
    var nodes = data.nodes.map(function (n, i) {
      var angle = 2 * Math.PI * i / Math.max(1, data.nodes.length);
      var node = {data: n, x: width / 2 + Math.cos(angle) * width / 4, y: height / 2 + Math.sin(angle) * height / 4,
                  vx: 0, vy: 0, r: 7 + 3 * Math.sqrt(n.articles), pinned: false};
      byId[n.id] = node;
      return node;
    });
    var edges = data.edges.filter(function (e) { return byId[e.source] && byId[e.target]; }).map(function (e) {
      return {data: e, s: byId[e.source], t: byId[e.target]};
    });

    edges.forEach(function (e) {
      e.line = el("line", {"class": "edge", "stroke-width": String(1.2 + 1.5 * Math.log(1 + e.data.links)),
                           "marker-end": "url(#arrow)"}, edgeLayer);
      e.line.setAttribute("data-source", e.data.source);
      e.line.setAttribute("data-target", e.data.target);
      e.line.addEventListener("mouseenter", function () {
        e.line.classList.add("hover");
        tip.textContent = e.data.source + " → " + e.data.target + ": " + e.data.links + " link(s) (" +
          describeKinds(e.data.kinds) + ")" + (e.data.median_delay_hours === null ? "" :
          ", median delay " + e.data.median_delay_hours + " h");
      });
      e.line.addEventListener("mouseleave", function () { e.line.classList.remove("hover"); });
    });

    nodes.forEach(function (n) {
      n.g = el("g", {"class": "node" + (n.data.known ? "" : " unknown")}, nodeLayer);
      n.g.setAttribute("data-outlet", n.data.id);
      el("circle", {r: String(n.r)}, n.g);
      var label = el("text", {dx: String(n.r + 4), dy: "4"}, n.g);
      label.textContent = n.data.id;
      n.g.addEventListener("mouseenter", function () {
        n.g.classList.add("hover");
        tip.textContent = n.data.id + ": " + n.data.articles + " article(s) in " + (n.data.langs.join(", ") || "?") +
          "; derives " + n.data.copies + " time(s), is copied " + n.data.copied + " time(s)";
      });
      n.g.addEventListener("mouseleave", function () { n.g.classList.remove("hover"); });
      dragging(n);
    });

    function point(evt) {
      var r = svg.getBoundingClientRect();
      return {x: (evt.clientX - r.left) * width / r.width, y: (evt.clientY - r.top) * height / r.height};
    }

    function dragging(n) {
      var moved = false, active = false;
      n.g.addEventListener("pointerdown", function (evt) {
        active = true; moved = false; n.pinned = true;
        n.g.setPointerCapture(evt.pointerId);
        evt.preventDefault();
      });
      n.g.addEventListener("pointermove", function (evt) {
        if (!active) return;
        var p = point(evt);
        if (Math.abs(p.x - n.x) + Math.abs(p.y - n.y) > 2) moved = true;
        n.x = p.x; n.y = p.y; n.vx = n.vy = 0;
        heat = Math.max(heat, 0.3);
        kick();
      });
      n.g.addEventListener("pointerup", function () {
        active = false;
        if (!moved && n.data.known) window.location.href = "/outlets/" + encodeURIComponent(n.data.id);
      });
    }

    var heat = 1, running = false;

    function step() {
      var i, j, a, b, dx, dy, d2, d, f;
      for (i = 0; i < nodes.length; i++) {
        a = nodes[i];
        for (j = i + 1; j < nodes.length; j++) {  // every pair repels (outlets are few)
          b = nodes[j];
          dx = a.x - b.x; dy = a.y - b.y; d2 = dx * dx + dy * dy + 0.01;
          f = 60000 / d2;
          d = Math.sqrt(d2);
          a.vx += f * dx / d; a.vy += f * dy / d; b.vx -= f * dx / d; b.vy -= f * dy / d;
        }
      }
      edges.forEach(function (e) {  // links pull their two outlets together
        dx = e.t.x - e.s.x; dy = e.t.y - e.s.y; d = Math.sqrt(dx * dx + dy * dy) + 0.01;
        f = (d - 200) * 0.02;
        e.s.vx += f * dx / d; e.s.vy += f * dy / d; e.t.vx -= f * dx / d; e.t.vy -= f * dy / d;
      });
      nodes.forEach(function (n) {
        n.vx += (width / 2 - n.x) * 0.002; n.vy += (height / 2 - n.y) * 0.003;  // gravity to the centre
        if (!n.pinned) {
          n.x += Math.max(-20, Math.min(20, n.vx * heat)); n.y += Math.max(-20, Math.min(20, n.vy * heat));
        }
        n.vx *= 0.6; n.vy *= 0.6;
        n.x = Math.max(n.r + 2, Math.min(width - n.r - 2, n.x));
        n.y = Math.max(n.r + 2, Math.min(height - n.r - 2, n.y));
      });
      heat *= 0.97;
    }

    function draw() {
      edges.forEach(function (e) {
        var dx = e.t.x - e.s.x, dy = e.t.y - e.s.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
        e.line.setAttribute("x1", e.s.x + dx / d * e.s.r); e.line.setAttribute("y1", e.s.y + dy / d * e.s.r);
        e.line.setAttribute("x2", e.t.x - dx / d * (e.t.r + 2)); e.line.setAttribute("y2", e.t.y - dy / d * (e.t.r + 2));
      });
      nodes.forEach(function (n) { n.g.setAttribute("transform", "translate(" + n.x.toFixed(1) + "," + n.y.toFixed(1) + ")"); });
    }

    function frame() {
      for (var k = 0; k < 3; k++) step();
      draw();
      if (heat > 0.02) {
        window.requestAnimationFrame(frame);
      } else {
        running = false;
        svg.setAttribute("data-settled", "true");
      }
    }

    function kick() {
      if (!running) { running = true; window.requestAnimationFrame(frame); }
    }

    draw();
    svg.setAttribute("data-nodes", String(nodes.length));
    svg.setAttribute("data-edges", String(edges.length));
    kick();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
