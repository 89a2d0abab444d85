// unspun network view: outlets drawn where the server placed them (unspun.graph.network_view:
// x, y in [0, 1]), coloured by community, sized by articles; arrows from source to copier, as wide
// as their links. Scroll zooms and dragging pans (circles keep their size, so zooming in spreads
// them apart); labels go to the biggest outlets, and to the hovered and searched ones, wherever
// they fit without overlapping. Data comes from the page's JSON block; every text is set with
// textContent, never as markup.
"use strict";
(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var LABELS = 40;  // labels tried at the initial zoom (more as one zooms in)
  var MIN_ZOOM = 0.5, MAX_ZOOM = 60;

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  // One hue per community, spread by the golden angle so neighbouring numbers differ.
  function hue(community) { return (community * 137.508) % 360; }
  function fill(community, aggregate) {
    if (community === null || community === undefined) return aggregate ? "#e3e5ea" : "#b5bac4";
    return "hsl(" + hue(community).toFixed(1) + (aggregate ? ",55%,86%)" : ",62%,58%)");
  }
  function stroke(community) {
    if (community === null || community === undefined) return "#7d8390";
    return "hsl(" + hue(community).toFixed(1) + ",60%,32%)";
  }

  function counts(obj) {
    return Object.keys(obj || {}).map(function (k) { return k + " " + obj[k]; }).join(", ");
  }
  function hours(h) {
    if (h === null || h === undefined) return "unknown";
    if (Math.abs(h) < 1) return Math.round(h * 60) + " min";
    if (Math.abs(h) < 48) return h.toFixed(1) + " h";
    return (h / 24).toFixed(1) + " days";
  }
  function pct(x) { return x === null || x === undefined ? "—" : Math.round(100 * x) + "%"; }

  function overlaps(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }

  function start() {
    var box = document.getElementById("network");
    var block = document.getElementById("network-data");
    var tip = document.getElementById("network-tip");
    if (!box || !block) return;
    var data = JSON.parse(block.textContent);
    var width = box.clientWidth || 900, height = box.clientHeight || 640;
    var svg = el("svg", {viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": "network of outlets"}, box);
    var defs = el("defs", {}, svg);
    var marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "8",
                               markerHeight: "8", markerUnits: "userSpaceOnUse", orient: "auto"}, defs);
    el("path", {d: "M 0 0 L 10 5 L 0 10 z", "class": "arrow-head"}, marker);
    var edgeLayer = el("g", {"class": "edges"}, svg);
    var nodeLayer = el("g", {"class": "nodes"}, svg);
    var labelLayer = el("g", {"class": "labels"}, svg);
    var view = {k: 1, tx: 0, ty: 0};
    var focusId = data.filters.focus;
    var community = data.filters.community;
    var hovered = null, focused = null;

    var maxArticles = Math.max.apply(null, data.nodes.map(function (n) { return n.articles; }).concat([1]));
    var byId = {};
    var nodes = data.nodes.map(function (n) {
      var node = {data: n, x: n.x * width, y: n.y * height, r: 3 + 13 * Math.sqrt(n.articles / maxArticles), edges: []};
      byId[n.id] = node;
      return node;
    });
    var pairs = {};
    data.edges.forEach(function (e) { pairs[e.source + "\u0000" + e.target] = true; });
    var edges = data.edges.filter(function (e) { return byId[e.source] && byId[e.target]; }).map(function (e) {
      var edge = {data: e, s: byId[e.source], t: byId[e.target], both: pairs[e.target + "\u0000" + e.source] === true};
      edge.s.edges.push(edge);
      edge.t.edges.push(edge);
      return edge;
    });

    function sx(n) { return n.x * view.k + view.tx; }
    function sy(n) { return n.y * view.k + view.ty; }

    // -- the tip ----------------------------------------------------------------------------
    function showTip(lines, x, y) {
      tip.textContent = "";
      lines.forEach(function (line, i) {
        var p = document.createElement(i === 0 ? "strong" : "span");
        p.textContent = line;
        tip.appendChild(p);
      });
      tip.classList.add("visible");
      var r = svg.getBoundingClientRect(), card = tip.offsetParent ? tip.offsetParent.getBoundingClientRect() : r;
      var left = r.left - card.left + x * r.width / width + 14, top = r.top - card.top + y * r.height / height + 10;
      if (top + tip.offsetHeight > card.height - 8) top -= tip.offsetHeight + 20;  // above the point, inside the card
      tip.style.left = Math.max(8, Math.min(left, card.width - tip.offsetWidth - 8)) + "px";
      tip.style.top = Math.max(8, top) + "px";
    }
    function hideTip() { tip.classList.remove("visible"); }

    function nodeLines(n) {
      var d = n.data;
      if (d.aggregate) {
        return [d.members + " smaller outlets of community " + d.community,
                d.articles + " article(s) in " + (d.langs.join(", ") || "?"),
                "derive " + d.copies + " time(s), are copied " + d.copied + " time(s)",
                community === d.community ? "" : "click to draw community " + d.community];
      }
      return [d.id + ": " + d.articles + " article(s) in " + (d.langs.join(", ") || "?"),
              d.role + (d.community === null ? "" : " · community " + d.community),
              d.copies ? "derives " + d.copies + " time(s) from others (" + pct(d.derived_share) + " of its articles), " +
                "median lag " + hours(d.median_lag_hours) : "derives nothing from other outlets",
              "copied " + d.copied + " time(s); first publisher of " + d.first_published + " stor" +
                (d.first_published === 1 ? "y" : "ies")];
    }

    // -- drawing ----------------------------------------------------------------------------
    edges.forEach(function (e) {
      e.line = el("line", {"class": "edge", "stroke-width": (0.6 + 1.2 * Math.log1p(e.data.links)).toFixed(2),
                           "marker-end": "url(#arrow)"}, edgeLayer);
      e.line.setAttribute("data-source", e.data.source);
      e.line.setAttribute("data-target", e.data.target);
      e.line.addEventListener("pointerenter", function () {
        if (panning) return;
        e.line.classList.add("hover");
        showTip([e.data.source + " → " + e.data.target, e.data.links + " link(s): " + counts(e.data.kinds),
                 "languages " + counts(e.data.languages), "median delay " + hours(e.data.median_delay_hours)],
                (sx(e.s) + sx(e.t)) / 2, (sy(e.s) + sy(e.t)) / 2);
      });
      e.line.addEventListener("pointerleave", function () { e.line.classList.remove("hover"); hideTip(); });
    });

    // big circles first, so small ones stay on top and can be reached
    nodes.slice().sort(function (a, b) { return b.r - a.r; }).forEach(function (n) {
      var d = n.data;
      n.g = el("g", {"class": "node" + (d.aggregate ? " aggregate" : "") + (d.known || d.aggregate ? "" : " unknown")},
               nodeLayer);
      n.g.setAttribute("data-outlet", d.id);
      n.circle = el("circle", {r: n.r.toFixed(1), fill: fill(d.community, d.aggregate), stroke: stroke(d.community)}, n.g);
      n.label = el("text", {"class": "label hidden", x: "0", y: "0"}, labelLayer);
      n.label.setAttribute("data-outlet", d.id);
      n.label.textContent = d.aggregate ? d.members + " small outlets · community " + d.community : d.id;
      if (d.id === focusId) {
        focused = n;
        n.g.classList.add("focus");
        n.label.classList.add("focus");
      }
      n.g.addEventListener("pointerenter", function () {
        if (panning) return;
        hovered = n;
        svg.classList.add("hovering");
        n.g.classList.add("hover");
        n.edges.forEach(function (e) { e.line.classList.add("lit"); });
        placeLabels();
        showTip(nodeLines(n).filter(Boolean), sx(n), sy(n));
      });
      n.g.addEventListener("pointerleave", function () {
        if (hovered !== n) return;
        hovered = null;
        svg.classList.remove("hovering");
        n.g.classList.remove("hover");
        n.edges.forEach(function (e) { e.line.classList.remove("lit"); });
        placeLabels();
        hideTip();
      });
    });
    // each label's size once, relative to its baseline
    nodes.forEach(function (n) {
      var b = n.label.getBBox();
      n.lw = b.width; n.lh = b.height; n.lx = b.x; n.ly = b.y;
    });
    // outlets by articles, then the folded nodes (their names say less than an outlet's)
    var bySize = nodes.slice().sort(function (a, b) {
      return (a.data.aggregate ? 1 : 0) - (b.data.aggregate ? 1 : 0) || b.data.articles - a.data.articles ||
        (a.data.id < b.data.id ? -1 : 1);
    });

    function placeLabels() {
      var placed = [], budget = Math.round(LABELS * Math.max(1, view.k)), shown = 0;
      var order = [hovered, focused].filter(Boolean);
      bySize.forEach(function (n) { if (n !== hovered && n !== focused) order.push(n); });
      order.forEach(function (n) {
        var must = n === hovered || n === focused, x = sx(n), y = sy(n), spot = null;
        if (must || (shown < budget && x >= 0 && x <= width && y >= 0 && y <= height)) {
          var gap = n.r + 3;
          var spots = [{x: x + gap, y: y - n.lh / 2}, {x: x - gap - n.lw, y: y - n.lh / 2},
                       {x: x - n.lw / 2, y: y - gap - n.lh}, {x: x - n.lw / 2, y: y + gap}];
          for (var i = 0; i < spots.length && !spot; i++) {
            var b = {x: spots[i].x - 1, y: spots[i].y - 1, w: n.lw + 2, h: n.lh + 2};
            var inside = b.x >= 0 && b.y >= 0 && b.x + b.w <= width && b.y + b.h <= height;
            if ((must || inside) && !placed.some(function (p) { return overlaps(b, p); })) spot = b;
          }
        }
        if (spot) {
          placed.push(spot);
          shown += 1;
          n.label.setAttribute("x", (spot.x + 1 - n.lx).toFixed(1));
          n.label.setAttribute("y", (spot.y + 1 - n.ly).toFixed(1));
          n.label.classList.remove("hidden");
        } else {
          n.label.classList.add("hidden");
        }
      });
      svg.setAttribute("data-labels", String(shown));
    }

    function draw() {
      edges.forEach(function (e) {
        var x1 = sx(e.s), y1 = sy(e.s), x2 = sx(e.t), y2 = sy(e.t);
        var dx = x2 - x1, dy = y2 - y1, d = Math.sqrt(dx * dx + dy * dy) || 1, ux = dx / d, uy = dy / d;
        var off = e.both ? 2.5 : 0;  // two outlets that copy each other: two arrows side by side
        e.line.setAttribute("x1", (x1 + ux * e.s.r - uy * off).toFixed(1));
        e.line.setAttribute("y1", (y1 + uy * e.s.r + ux * off).toFixed(1));
        e.line.setAttribute("x2", (x2 - ux * (e.t.r + 1) - uy * off).toFixed(1));
        e.line.setAttribute("y2", (y2 - uy * (e.t.r + 1) + ux * off).toFixed(1));
      });
      nodes.forEach(function (n) {
        n.g.setAttribute("transform", "translate(" + sx(n).toFixed(1) + "," + sy(n).toFixed(1) + ")");
      });
      placeLabels();
      svg.setAttribute("data-zoom", view.k.toFixed(3));
    }

    var pending = false;
    function redraw() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; draw(); });
    }

    // -- pan and zoom -----------------------------------------------------------------------
    function point(evt) {
      var r = svg.getBoundingClientRect();
      return {x: (evt.clientX - r.left) * width / r.width, y: (evt.clientY - r.top) * height / r.height};
    }
    function zoom(factor, at) {
      var k = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, view.k * factor));
      view.tx = at.x - (at.x - view.tx) * k / view.k;
      view.ty = at.y - (at.y - view.ty) * k / view.k;
      view.k = k;
      redraw();
    }
    svg.addEventListener("wheel", function (evt) {
      evt.preventDefault();
      zoom(Math.exp(-evt.deltaY * 0.0015), point(evt));
    }, {passive: false});

    var panning = false, down = null;
    svg.addEventListener("pointerdown", function (evt) {
      if (evt.button !== 0) return;
      down = {p: point(evt), tx: view.tx, ty: view.ty, target: evt.target, id: evt.pointerId};
    });
    svg.addEventListener("pointermove", function (evt) {
      if (!down) return;
      var p = point(evt);
      if (!panning && Math.abs(p.x - down.p.x) + Math.abs(p.y - down.p.y) > 4) {
        panning = true;
        svg.setPointerCapture(down.id);
        svg.classList.add("panning");
        hideTip();
      }
      if (panning) {
        view.tx = down.tx + p.x - down.p.x;
        view.ty = down.ty + p.y - down.p.y;
        redraw();
      }
    });
    function release() {
      var was = down;
      down = null;
      if (panning) {
        panning = false;
        svg.classList.remove("panning");
        return;
      }
      var g = was && was.target.closest ? was.target.closest("g.node") : null;
      if (g) open(byId[g.getAttribute("data-outlet")]);
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", function () { down = null; panning = false; });

    function open(n) {
      var d = n && n.data;
      if (!d) return;
      if (!d.aggregate) {
        if (d.known) window.location.href = "/outlets/" + encodeURIComponent(d.id);
        return;
      }
      if (d.community === null || d.community === community) return;
      var params = new URLSearchParams(window.location.search);
      params.set("community", String(d.community));
      params.delete("focus");
      window.location.href = "/network?" + params.toString();
    }

    var buttons = {"network-zoom-in": 1.5, "network-zoom-out": 1 / 1.5};
    Object.keys(buttons).forEach(function (id) {
      var b = document.getElementById(id);
      if (b) b.addEventListener("click", function () { zoom(buttons[id], {x: width / 2, y: height / 2}); });
    });
    var reset = document.getElementById("network-reset");
    if (reset) reset.addEventListener("click", function () { view = {k: 1, tx: 0, ty: 0}; redraw(); });

    document.querySelectorAll(".swatch[data-community]").forEach(function (s) {
      s.style.background = fill(Number(s.getAttribute("data-community")), false);
    });

    draw();
    svg.setAttribute("data-nodes", String(nodes.length));
    svg.setAttribute("data-edges", String(edges.length));
    svg.setAttribute("data-drawn", "true");
  }

  document.addEventListener("DOMContentLoaded", start);
})();
