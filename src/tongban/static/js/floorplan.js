/* The floor-plan editor (餐饮平面图制作): rooms, doors and windows, equipment and flow marks
   on a Konva stage, in metres on a 10 cm grid. It keeps the plan as the JSON of the documented
   format (`tongban-floorplan` v1) and never judges it: after every change the plan goes to
   /api/floorplans/check, and the server's findings are listed and pinned on the drawing.
   What the editor itself prevents (rooms overlapping, a door off every wall, equipment outside
   every room) the server checks again. Mouse and touch both work (Konva's tap events). */
(function () {
  "use strict";
  var root = document.getElementById("floorplan");
  var bootNode = document.getElementById("floorplan-boot");
  if (!root || !bootNode || typeof Konva === "undefined") return;
  var boot = JSON.parse(bootNode.textContent);
  var words = boot.words;
  var api = root.getAttribute("data-api");
  var csrf = root.getAttribute("data-csrf");
  var english = document.documentElement.lang === "en";
  var editable = boot.editable;
  var plan = boot.plan;
  var revision = boot.revision;
  var comments = boot.comments || [];
  var findings = boot.findings || [];
  var past = [];
  var future = [];
  var selected = null; // {type, id}
  var drawing = null; // {kind, points}
  var dirty = false;
  var zoom = root.classList.contains("kiosk") ? 34 : 40; // pixels per metre
  var GRID = 0.1;
  var ZONE_COLOURS = {
    special_room: "#cfe8ff", dedicated_area: "#d8ecff", pre_entry: "#e6f2ff",
    cooking: "#ffe3c2", tableware_storage: "#fff0d6", rough_processing: "#e4f5d4",
    cutting: "#edf8e1", washing: "#e0f4f1", storage: "#efe9df", dining: "#fafafa",
    auxiliary: "#eeeeee"
  };
  var MARK_COLOURS = {
    raw: "#c62828", finished: "#2e7d32", tableware: "#1565c0",
    ventilation: "#757575", drainage: "#00838f"
  };
  var OPENING_COLOURS = { door: "#8d6e63", window: "#4fc3f7", pass_window: "#ef6c00" };
  var EQUIPMENT_SIZES = {
    sink: [1.0, 0.6], cooker: [1.2, 0.8], refrigerator: [0.8, 0.8],
    disinfection_cabinet: [0.6, 0.6], hand_wash: [0.5, 0.5], shelf: [1.2, 0.5],
    exhaust_hood: [1.2, 0.8], pest_control: [0.3, 0.2], workbench: [1.5, 0.6],
    air_conditioner: [0.6, 0.3], uv_lamp: [0.4, 0.2], tableware_cabinet: [0.6, 0.6],
    floor_drain: [0.2, 0.2], open_drain: [1.0, 0.2], table: [1.2, 0.8]
  };
  var T = english ? {
    saved: "Saved as revision ", saving: "Saving…", checking: "Checking…", unsaved: "Not saved",
    overlap: "Rooms may not overlap", wall: "Doors and windows go on a wall",
    outside: "Equipment goes inside a room", needRoom: "Place a room first",
    passed: "Passes every binding rule", failed: " binding problem(s) to fix",
    recommended: " recommendation(s)", draw: "Tap points on the plan, then “Finish route”",
    name: "Name", zone: "Zone", width: "Width (m)", height: "Depth (m)", area: "Area (m²)",
    kind: "Kind", length: "Length (m)", selfClosing: "Closes by itself", label: "Label",
    nonManual: "Non-manual tap", temperature: "Keeps at most (°C)", sealed: "Water seal",
    points: "Points", nothing: "Tap something on the plan to edit it.", comment: "Reviewer: "
  } : {
    saved: "已保存为第", saving: "正在保存…", checking: "正在核验…", unsaved: "未保存",
    overlap: "房间不能重叠", wall: "门窗须放在墙上", outside: "设备设施须放在房间内",
    needRoom: "请先放置房间", passed: "通过全部约束性规则", failed: "项约束性问题须修改",
    recommended: "项建议", draw: "在图上依次点选流线经过的点，然后点“完成流线”",
    name: "名称", zone: "功能区", width: "宽（米）", height: "深（米）", area: "面积（平方米）",
    kind: "类型", length: "长度（米）", selfClosing: "自动关闭", label: "标注",
    nonManual: "非手动式", temperature: "室温不高于（℃）", sealed: "带水封",
    points: "点数", nothing: "在图上点选房间、门窗、设备或流线即可编辑。", comment: "审查意见："
  };

  function $(selector) { return root.querySelector(selector); }
  function snap(v) { return Math.round(v / GRID) * GRID; }
  function fix(v) { return Math.round(v * 100) / 100; }
  function clone(value) { return JSON.parse(JSON.stringify(value)); }
  function status(text) { $(".fp-status").textContent = text; }

  // --- the stage ----------------------------------------------------------------------------
  var holder = $(".fp-canvas");
  var stage = new Konva.Stage({
    container: holder, width: holder.clientWidth || 800, height: holder.clientHeight || 560
  });
  var gridLayer = new Konva.Layer({ listening: false });
  var layer = new Konva.Layer();
  stage.add(gridLayer);
  stage.add(layer);
  var world = new Konva.Group({ x: 20, y: 20 });
  var pins = new Konva.Group({ listening: false });
  layer.add(world);
  // While something is dragged it moves to a layer of its own, so each step of the drag
  // repaints that one node and not the whole plan (a plan of 50 rooms stays under 16 ms).
  var dragLayer = new Konva.Layer();
  var dragWorld = new Konva.Group({ x: 20, y: 20 });
  dragLayer.add(dragWorld);
  stage.add(dragLayer);
  var transformer = new Konva.Transformer({
    rotateEnabled: false, keepRatio: false, ignoreStroke: true,
    anchorSize: root.classList.contains("kiosk") ? 22 : 10,
    boundBoxFunc: function (oldBox, box) {
      return (box.width < 0.3 * zoom || box.height < 0.1 * zoom) ? oldBox : box;
    }
  });
  layer.add(transformer);

  function drawGrid() {
    gridLayer.destroyChildren();
    var width = stage.width(), height = stage.height();
    var step = zoom * 0.5;
    for (var x = world.x() % step; x < width; x += step) {
      gridLayer.add(new Konva.Line({ points: [x, 0, x, height], stroke: "#eef1f4", strokeWidth: 1 }));
    }
    for (var y = world.y() % step; y < height; y += step) {
      gridLayer.add(new Konva.Line({ points: [0, y, width, y], stroke: "#eef1f4", strokeWidth: 1 }));
    }
    gridLayer.draw();
  }

  function resize() {
    stage.width(holder.clientWidth || 800);
    stage.height(holder.clientHeight || 560);
    world.scale({ x: zoom, y: zoom });
    dragWorld.scale({ x: zoom, y: zoom });
    drawGrid();
    layer.batchDraw();
  }

  // --- the plan's parts ---------------------------------------------------------------------
  function all() {
    return [].concat(plan.rooms, plan.openings, plan.equipment, plan.marks);
  }
  function find(type, id) {
    var list = { room: plan.rooms, opening: plan.openings, equipment: plan.equipment, mark: plan.marks }[type];
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i];
    return null;
  }
  function newId(prefix) {
    var used = {};
    all().forEach(function (p) { used[p.id] = true; });
    for (var n = 1; ; n++) if (!used[prefix + n]) return prefix + n;
  }
  function footprint(e) { return (e.rot === 90 || e.rot === 270) ? [e.h, e.w] : [e.w, e.h]; }
  function overlaps(a, b) {
    var dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
    var dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
    return dx > 1e-6 && dy > 1e-6;
  }
  function overlapsAny(room) {
    return plan.rooms.some(function (r) { return r.id !== room.id && overlaps(r, room); });
  }
  function roomAt(x, y) {
    for (var i = 0; i < plan.rooms.length; i++) {
      var r = plan.rooms[i];
      if (x > r.x && x < r.x + r.w && y > r.y && y < r.y + r.h) return r;
    }
    return null;
  }
  function onWall(o, r) {
    var t = 0.051;
    if (o.dir === "h") {
      if (Math.abs(o.y - r.y) > t && Math.abs(o.y - (r.y + r.h)) > t) return false;
      return r.x - t <= o.x && o.x + o.length <= r.x + r.w + t;
    }
    if (Math.abs(o.x - r.x) > t && Math.abs(o.x - (r.x + r.w)) > t) return false;
    return r.y - t <= o.y && o.y + o.length <= r.y + r.h + t;
  }
  // The nearest wall position for an opening near (x, y), or null if no wall is close.
  function wallSpot(o, x, y) {
    var best = null;
    plan.rooms.forEach(function (r) {
      var edges = o.dir === "h" ? [r.y, r.y + r.h] : [r.x, r.x + r.w];
      edges.forEach(function (edge) {
        var along, across, lo, hi;
        if (o.dir === "h") { across = Math.abs(y - edge); lo = r.x; hi = r.x + r.w - o.length; along = x; }
        else { across = Math.abs(x - edge); lo = r.y; hi = r.y + r.h - o.length; along = y; }
        if (hi < lo - 1e-6) return;
        var at = snap(Math.min(Math.max(along, lo), hi));
        var distance = across + Math.abs(at - along);
        if (distance < 0.8 && (!best || distance < best.distance)) {
          best = o.dir === "h" ? { x: at, y: edge, distance: distance } : { x: edge, y: at, distance: distance };
        }
      });
    });
    return best;
  }

  // --- changes, undo and redo ---------------------------------------------------------------
  function commit(change) {
    past.push(JSON.stringify(plan));
    if (past.length > 200) past.shift();
    future = [];
    change();
    changed();
  }
  function changed() {
    dirty = true;
    status(T.unsaved);
    render();
    scheduleCheck();
  }
  function undo() {
    if (!past.length) return;
    future.push(JSON.stringify(plan));
    plan = JSON.parse(past.pop());
    if (selected && !find(selected.type, selected.id)) selected = null;
    changed();
  }
  function redo() {
    if (!future.length) return;
    past.push(JSON.stringify(plan));
    plan = JSON.parse(future.pop());
    if (selected && !find(selected.type, selected.id)) selected = null;
    changed();
  }

  // --- drawing the plan ---------------------------------------------------------------------
  function select(type, id) {
    selected = type ? { type: type, id: id } : null;
    render();
  }

  function draggable(node, type, part, moved) {
    if (!editable) return;
    node.draggable(true);
    // Selecting re-renders the stage, which would drop the node being dragged: only note it.
    node.on("dragstart", function () {
      selected = { type: type, id: part.id };
      transformer.nodes([]);
      node.moveTo(dragWorld);
      layer.batchDraw();
      properties();
    });
    node.on("dragmove", function () { node.x(snap(node.x())); node.y(snap(node.y())); });
    node.on("dragend", function () { moved(fix(node.x()), fix(node.y())); });
  }

  function roomNode(r) {
    var group = new Konva.Group({ x: r.x, y: r.y, name: "room" });
    group.add(new Konva.Rect({
      width: r.w, height: r.h, fill: ZONE_COLOURS[r.zone], stroke: "#333", strokeWidth: 0.12,
      perfectDrawEnabled: false
    }));
    var size = Math.max(0.18, Math.min(0.4, r.w / 8, r.h / 4));
    group.add(new Konva.Text({
      width: r.w, y: r.h / 2 - size * 1.1, align: "center", fontSize: size,
      text: r.name || words.zones[r.zone], fill: "#333", listening: false
    }));
    group.add(new Konva.Text({
      width: r.w, y: r.h / 2 + size * 0.2, align: "center", fontSize: size * 0.7,
      text: words.zones[r.zone] + " " + fix(r.w) + "×" + fix(r.h) + "m " + fix(r.w * r.h) + "㎡",
      fill: "#555", listening: false
    }));
    group.on("click tap", function (event) { event.cancelBubble = !drawing; if (!drawing) select("room", r.id); });
    draggable(group, "room", r, function (x, y) {
      var moved = Object.assign({}, r, { x: x, y: y });
      if (x < 0 || y < 0 || overlapsAny(moved)) { status(T.overlap); render(); return; }
      commit(function () {
        var dx = fix(x - r.x), dy = fix(y - r.y);
        var room = find("room", r.id);
        // Its doors and windows (on its walls only) and its equipment move with the room.
        plan.openings.forEach(function (o) {
          var walls = plan.rooms.filter(function (other) { return onWall(o, other); });
          if (walls.length === 1 && walls[0].id === r.id) { o.x = fix(o.x + dx); o.y = fix(o.y + dy); }
        });
        plan.equipment.forEach(function (e) {
          var f = footprint(e), inRoom = roomAt(e.x + f[0] / 2, e.y + f[1] / 2);
          if (inRoom && inRoom.id === r.id) { e.x = fix(e.x + dx); e.y = fix(e.y + dy); }
        });
        room.x = x;
        room.y = y;
      });
    });
    group.on("transformend", function () {
      var w = fix(snap(r.w * group.scaleX())), h = fix(snap(r.h * group.scaleY()));
      var x = fix(snap(group.x())), y = fix(snap(group.y()));
      var resized = Object.assign({}, r, { x: x, y: y, w: w, h: h });
      if (w < 0.5 || h < 0.5 || x < 0 || y < 0 || overlapsAny(resized)) { status(T.overlap); render(); return; }
      commit(function () { Object.assign(find("room", r.id), { x: x, y: y, w: w, h: h }); });
    });
    return group;
  }

  function openingNode(o) {
    var points = o.dir === "h" ? [0, 0, o.length, 0] : [0, 0, 0, o.length];
    var line = new Konva.Line({
      x: o.x, y: o.y, points: points, stroke: OPENING_COLOURS[o.kind],
      strokeWidth: o.kind === "pass_window" ? 0.22 : 0.16, hitStrokeWidth: 0.6, lineCap: "butt",
      dash: o.kind === "door" && !o.self_closing ? [0.12, 0.06] : null, name: "opening"
    });
    line.on("click tap", function (event) { event.cancelBubble = !drawing; if (!drawing) select("opening", o.id); });
    draggable(line, "opening", o, function (x, y) {
      var spot = wallSpot(o, x, y);
      if (!spot) { status(T.wall); render(); return; }
      commit(function () { var it = find("opening", o.id); it.x = fix(spot.x); it.y = fix(spot.y); });
    });
    return line;
  }

  function equipmentNode(e) {
    var f = footprint(e);
    var group = new Konva.Group({ x: e.x, y: e.y, name: "equipment" });
    group.add(new Konva.Rect({
      width: f[0], height: f[1], fill: "#ffffff", opacity: 0.85, stroke: "#666", strokeWidth: 0.03,
      perfectDrawEnabled: false
    }));
    group.add(new Konva.Text({
      width: f[0], height: f[1], align: "center", verticalAlign: "middle",
      fontSize: Math.max(0.1, Math.min(0.18, f[0] / 4, f[1] / 1.5)),
      text: e.label || words.equipment[e.kind], fill: "#444", listening: false
    }));
    group.on("click tap", function (event) { event.cancelBubble = !drawing; if (!drawing) select("equipment", e.id); });
    draggable(group, "equipment", e, function (x, y) {
      if (!roomAt(x + f[0] / 2, y + f[1] / 2)) { status(T.outside); render(); return; }
      commit(function () { var it = find("equipment", e.id); it.x = x; it.y = y; });
    });
    group.on("transformend", function () {
      var w = fix(Math.max(0.1, snap(f[0] * group.scaleX()))), h = fix(Math.max(0.1, snap(f[1] * group.scaleY())));
      var x = fix(snap(group.x())), y = fix(snap(group.y()));
      if (!roomAt(x + w / 2, y + h / 2)) { status(T.outside); render(); return; }
      commit(function () {
        var it = find("equipment", e.id);
        var turned = it.rot === 90 || it.rot === 270;
        it.w = turned ? h : w; it.h = turned ? w : h; it.x = x; it.y = y;
      });
    });
    return group;
  }

  function markNode(m) {
    var flat = [];
    m.points.forEach(function (p) { flat.push(p[0], p[1]); });
    var arrow = new Konva.Arrow({
      points: flat, stroke: MARK_COLOURS[m.kind], fill: MARK_COLOURS[m.kind], strokeWidth: 0.08,
      pointerLength: 0.3, pointerWidth: 0.25, hitStrokeWidth: 0.5, name: "mark",
      dash: m.kind === "ventilation" ? [0.3, 0.2] : m.kind === "drainage" ? [0.15, 0.15] : null
    });
    arrow.on("click tap", function (event) { event.cancelBubble = !drawing; if (!drawing) select("mark", m.id); });
    draggable(arrow, "mark", m, function (dx, dy) {
      commit(function () {
        var it = find("mark", m.id);
        it.points = it.points.map(function (p) { return [fix(Math.max(0, p[0] + dx)), fix(Math.max(0, p[1] + dy))]; });
      });
    });
    return arrow;
  }

  function vertexHandles(m) {
    m.points.forEach(function (p, index) {
      var handle = new Konva.Circle({
        x: p[0], y: p[1], radius: root.classList.contains("kiosk") ? 0.3 : 0.16,
        fill: "#fff", stroke: MARK_COLOURS[m.kind], strokeWidth: 0.05, draggable: editable, name: "vertex"
      });
      handle.on("dragmove", function () { handle.x(snap(handle.x())); handle.y(snap(handle.y())); });
      handle.on("dragend", function () {
        var x = fix(Math.max(0, handle.x())), y = fix(Math.max(0, handle.y()));
        commit(function () { find("mark", m.id).points[index] = [x, y]; });
      });
      world.add(handle);
    });
  }

  function pinNode(x, y, number, colour) {
    var group = new Konva.Group({ x: x, y: y, listening: false });
    group.add(new Konva.Circle({ radius: 0.28, fill: colour, stroke: "#fff", strokeWidth: 0.05 }));
    group.add(new Konva.Text({
      text: String(number), fontSize: 0.3, fill: "#fff", width: 0.56, x: -0.28, y: -0.15, align: "center"
    }));
    return group;
  }

  var nodes = {};
  function render() {
    transformer.nodes([]);
    world.destroyChildren();
    dragWorld.destroyChildren();
    dragLayer.batchDraw();
    nodes = {};
    plan.rooms.forEach(function (r) { var n = roomNode(r); nodes["room:" + r.id] = n; world.add(n); });
    plan.equipment.forEach(function (e) { var n = equipmentNode(e); nodes["equipment:" + e.id] = n; world.add(n); });
    plan.openings.forEach(function (o) { var n = openingNode(o); nodes["opening:" + o.id] = n; world.add(n); });
    plan.marks.forEach(function (m) { var n = markNode(m); nodes["mark:" + m.id] = n; world.add(n); });
    if (drawing && drawing.points.length) {
      var flat = [];
      drawing.points.forEach(function (p) { flat.push(p[0], p[1]); });
      world.add(new Konva.Line({ points: flat, stroke: MARK_COLOURS[drawing.kind], strokeWidth: 0.08, dash: [0.1, 0.1], listening: false }));
      drawing.points.forEach(function (p) {
        world.add(new Konva.Circle({ x: p[0], y: p[1], radius: 0.1, fill: MARK_COLOURS[drawing.kind], listening: false }));
      });
    }
    pins = new Konva.Group({ listening: false });
    var number = 0;
    findings.forEach(function (f) {
      if (f.at && f.at.x !== undefined) {
        number += 1;
        pins.add(pinNode(f.at.x, f.at.y, number, f.severity === "binding" ? "#c62828" : "#f9a825"));
      }
    });
    comments.forEach(function (c) { number += 1; pins.add(pinNode(c.x, c.y, number, "#6a1b9a")); });
    world.add(pins);
    var node = selected && nodes[selected.type + ":" + selected.id];
    if (node && editable && (selected.type === "room" || selected.type === "equipment")) {
      transformer.nodes([node]);
    }
    if (node && selected.type === "mark") vertexHandles(find("mark", selected.id));
    if (node && selected.type === "opening") node.shadowColor("#000").shadowBlur(6);
    transformer.moveToTop();
    layer.batchDraw();
    properties();
    plannerFields();
  }

  // --- the palette ----------------------------------------------------------------------------
  function paletteButton(group, code, text, act) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.setAttribute("data-testid", "fp-add-" + code);
    button.addEventListener("click", act);
    root.querySelector('.fp-items[data-group="' + group + '"]').appendChild(button);
    return button;
  }
  function selectedRoom() {
    if (selected && selected.type === "room") return find("room", selected.id);
    if (selected && selected.type === "equipment") {
      var e = find("equipment", selected.id), f = footprint(e);
      return roomAt(e.x + f[0] / 2, e.y + f[1] / 2);
    }
    return plan.rooms[0] || null;
  }
  function extentRight() {
    return plan.rooms.reduce(function (m, r) { return Math.max(m, r.x + r.w); }, 0);
  }
  Object.keys(words.zones).forEach(function (zone) {
    paletteButton("zones", zone, words.zones[zone], function () {
      if (!editable) return;
      var id = newId("r");
      commit(function () {
        plan.rooms.push({ id: id, name: words.zones[zone], zone: zone, x: fix(snap(extentRight())), y: 0, w: 3, h: 3 });
      });
      select("room", id);
    });
  });
  Object.keys(words.openings).forEach(function (kind) {
    paletteButton("openings", kind, words.openings[kind], function () {
      var room = selectedRoom();
      if (!editable) return;
      if (!room) { status(T.needRoom); return; }
      var id = newId("o");
      var length = kind === "window" ? 1.5 : kind === "pass_window" ? 0.8 : 0.9;
      commit(function () {
        plan.openings.push({
          id: id, kind: kind, dir: "h", length: Math.min(length, room.w),
          x: fix(snap(room.x + Math.max(0, (room.w - length) / 2))), y: room.y, self_closing: false
        });
      });
      select("opening", id);
    });
  });
  Object.keys(words.equipment).forEach(function (kind) {
    paletteButton("equipment", kind, words.equipment[kind], function () {
      var room = selectedRoom();
      if (!editable) return;
      if (!room) { status(T.needRoom); return; }
      var size = EQUIPMENT_SIZES[kind] || [0.6, 0.6];
      var w = Math.min(size[0], room.w - 0.2), h = Math.min(size[1], room.h - 0.2);
      var id = newId("e");
      var part = { id: id, kind: kind, x: fix(room.x + 0.1), y: fix(room.y + 0.1), w: fix(w), h: fix(h), rot: 0 };
      if (kind === "hand_wash") part.non_manual = true;
      if (kind === "air_conditioner") part.temperature_max = 25;
      if (kind === "floor_drain") part.sealed = true;
      commit(function () { plan.equipment.push(part); });
      select("equipment", id);
    });
  });
  var markButtons = {};
  Object.keys(words.marks).forEach(function (kind) {
    markButtons[kind] = paletteButton("marks", kind, words.marks[kind], function () {
      if (!editable) return;
      drawing = { kind: kind, points: [] };
      Object.keys(markButtons).forEach(function (k) { markButtons[k].classList.toggle("active", k === kind); });
      status(T.draw);
      select(null);
    });
  });
  function finishDrawing() {
    if (!drawing) return;
    var done = drawing;
    drawing = null;
    Object.keys(markButtons).forEach(function (k) { markButtons[k].classList.remove("active"); });
    if (done.points.length < 2) { render(); return; }
    var id = newId("m");
    commit(function () { plan.marks.push({ id: id, kind: done.kind, points: done.points }); });
    select("mark", id);
  }
  stage.on("click tap", function () {
    var pointer = stage.getPointerPosition();
    if (!pointer) return;
    var x = fix(snap((pointer.x - world.x()) / zoom)), y = fix(snap((pointer.y - world.y()) / zoom));
    if (drawing) {
      drawing.points.push([Math.max(0, x), Math.max(0, y)]);
      render();
      return;
    }
    if (stage.getIntersection(pointer) === null) select(null);
  });
  stage.on("dblclick dbltap", finishDrawing);

  // --- the properties of the selection -----------------------------------------------------
  function field(container, text, input) {
    var label = document.createElement("label");
    label.textContent = text + " ";
    label.appendChild(input);
    container.appendChild(label);
    return input;
  }
  function input(type, value, attrs) {
    var el = document.createElement("input");
    el.type = type;
    if (type === "checkbox") el.checked = !!value; else el.value = value === null || value === undefined ? "" : value;
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    el.disabled = !editable;
    return el;
  }
  function chooser(options, value, testid) {
    var el = document.createElement("select");
    Object.keys(options).forEach(function (code) {
      var option = document.createElement("option");
      option.value = code;
      option.textContent = options[code];
      option.selected = code === value;
      el.appendChild(option);
    });
    el.setAttribute("data-testid", testid);
    el.disabled = !editable;
    return el;
  }
  function onChange(el, apply) {
    el.addEventListener("change", function () {
      var part = find(selected.type, selected.id);
      var before = clone(part);
      commit(function () { apply(part, el); });
      if (selected.type === "room" && (overlapsAny(part) || part.w < 0.5 || part.h < 0.5)) {
        plan = JSON.parse(past.pop());
        status(T.overlap);
        render();
      } else if (before && JSON.stringify(before) === JSON.stringify(part)) {
        past.pop();
      }
    });
  }
  function number(el) { var v = parseFloat(el.value); return isNaN(v) ? null : fix(snap(v)); }
  function properties() {
    var body = $(".fp-props-body");
    body.textContent = "";
    var part = selected && find(selected.type, selected.id);
    if (!part) { body.textContent = T.nothing; return; }
    if (selected.type === "room") {
      onChange(field(body, T.name, input("text", part.name, { maxlength: 40, "data-testid": "fp-room-name" })), function (p, el) { p.name = el.value.trim(); });
      onChange(field(body, T.zone, chooser(words.zones, part.zone, "fp-room-zone")), function (p, el) { p.zone = el.value; });
      onChange(field(body, T.width, input("number", part.w, { step: 0.1, min: 0.5, "data-testid": "fp-room-w" })), function (p, el) { p.w = number(el) || p.w; });
      onChange(field(body, T.height, input("number", part.h, { step: 0.1, min: 0.5, "data-testid": "fp-room-h" })), function (p, el) { p.h = number(el) || p.h; });
      var area = document.createElement("p");
      area.textContent = T.area + " " + fix(part.w * part.h);
      body.appendChild(area);
    } else if (selected.type === "opening") {
      onChange(field(body, T.kind, chooser(words.openings, part.kind, "fp-opening-kind")), function (p, el) { p.kind = el.value; });
      onChange(field(body, T.length, input("number", part.length, { step: 0.1, min: 0.3, max: 10 })), function (p, el) { p.length = number(el) || p.length; });
      if (part.kind === "door") {
        onChange(field(body, T.selfClosing, input("checkbox", part.self_closing, { "data-testid": "fp-self-closing" })), function (p, el) { p.self_closing = el.checked; });
      }
    } else if (selected.type === "equipment") {
      onChange(field(body, T.kind, chooser(words.equipment, part.kind, "fp-equipment-kind")), function (p, el) { p.kind = el.value; });
      onChange(field(body, T.label, input("text", part.label || "", { maxlength: 40 })), function (p, el) { p.label = el.value.trim(); });
      onChange(field(body, T.width, input("number", part.w, { step: 0.1, min: 0.1 })), function (p, el) { p.w = number(el) || p.w; });
      onChange(field(body, T.height, input("number", part.h, { step: 0.1, min: 0.1 })), function (p, el) { p.h = number(el) || p.h; });
      if (part.kind === "hand_wash") onChange(field(body, T.nonManual, input("checkbox", part.non_manual, { "data-testid": "fp-non-manual" })), function (p, el) { p.non_manual = el.checked; });
      if (part.kind === "floor_drain") onChange(field(body, T.sealed, input("checkbox", part.sealed)), function (p, el) { p.sealed = el.checked; });
      if (part.kind === "air_conditioner") onChange(field(body, T.temperature, input("number", part.temperature_max, { step: 1, min: -30, max: 60 })), function (p, el) { var v = parseFloat(el.value); p.temperature_max = isNaN(v) ? null : v; });
    } else if (selected.type === "mark") {
      onChange(field(body, T.kind, chooser(words.marks, part.kind, "fp-mark-kind")), function (p, el) { p.kind = el.value; });
      var count = document.createElement("p");
      count.textContent = T.points + " " + part.points.length;
      body.appendChild(count);
    }
  }

  // --- the plan's own fields -----------------------------------------------------------------
  var businessBox = $(".fp-business");
  Object.keys(words.business).forEach(function (code) {
    var box = input("checkbox", false, { "data-testid": "fp-business-" + code, value: code });
    field(businessBox, words.business[code], box);
    box.addEventListener("change", function () {
      commit(function () {
        var chosen = plan.business.filter(function (b) { return b !== code; });
        if (box.checked) chosen.push(code);
        plan.business = Object.keys(words.business).filter(function (b) { return chosen.indexOf(b) >= 0; });
      });
    });
  });
  var jurisdiction = $("#fp-jurisdiction");
  Object.keys(words.jurisdictions).forEach(function (code) {
    var option = document.createElement("option");
    option.value = code;
    option.textContent = words.jurisdictions[code];
    jurisdiction.appendChild(option);
  });
  function plannerFields() {
    $("#fp-title").value = plan.title || "";
    businessBox.querySelectorAll("input").forEach(function (box) { box.checked = plan.business.indexOf(box.value) >= 0; });
    jurisdiction.value = plan.jurisdiction;
    $("#fp-time-separation").checked = !!plan.time_separation;
    $("#fp-north").value = plan.north === null || plan.north === undefined ? "" : plan.north;
    $("#fp-scale").value = plan.scale === null || plan.scale === undefined ? "" : plan.scale;
  }
  function planField(selector, apply) {
    var el = $(selector);
    el.disabled = !editable;
    el.addEventListener("change", function () { commit(function () { apply(el); }); });
  }
  planField("#fp-title", function (el) { plan.title = el.value.trim().slice(0, 60); });
  planField("#fp-jurisdiction", function (el) { plan.jurisdiction = el.value; });
  planField("#fp-time-separation", function (el) { plan.time_separation = el.checked; });
  planField("#fp-north", function (el) { var v = parseInt(el.value, 10); plan.north = isNaN(v) ? null : ((v % 360) + 360) % 360; });
  planField("#fp-scale", function (el) { var v = parseInt(el.value, 10); plan.scale = isNaN(v) ? null : Math.min(1000, Math.max(20, v)); });

  // --- actions --------------------------------------------------------------------------------
  function removeSelected() {
    if (!selected || !editable) return;
    var type = selected.type, id = selected.id;
    var key = { room: "rooms", opening: "openings", equipment: "equipment", mark: "marks" }[type];
    commit(function () { plan[key] = plan[key].filter(function (p) { return p.id !== id; }); });
    select(null);
  }
  function rotateSelected() {
    if (!selected || !editable) return;
    var part = find(selected.type, selected.id);
    if (selected.type === "equipment") {
      commit(function () { part.rot = (part.rot + 90) % 360; });
    } else if (selected.type === "room") {
      var turned = Object.assign({}, part, { w: part.h, h: part.w });
      if (overlapsAny(turned)) { status(T.overlap); return; }
      commit(function () { var w = part.w; part.w = part.h; part.h = w; });
    } else if (selected.type === "opening") {
      var probe = Object.assign({}, part, { dir: part.dir === "h" ? "v" : "h" });
      var spot = wallSpot(probe, part.x, part.y);
      if (!spot) { status(T.wall); return; }
      commit(function () { part.dir = probe.dir; part.x = fix(spot.x); part.y = fix(spot.y); });
    }
  }
  function reverseSelected() {
    if (!selected || selected.type !== "mark" || !editable) return;
    commit(function () { find("mark", selected.id).points.reverse(); });
  }
  function setZoom(factor) {
    zoom = Math.min(120, Math.max(10, zoom * factor));
    resize();
    render();
  }

  // --- the server: live check and save -------------------------------------------------------
  function request(method, path, body) {
    return fetch(api + path, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
    });
  }
  function problemText(data) {
    if (data && data.errors) {
      return Object.keys(data.errors).map(function (k) { return k + "：" + data.errors[k].join("，"); }).join("；");
    }
    return (data && data.detail) || "";
  }
  var checkTimer = null, checkRound = 0;
  function scheduleCheck() {
    root.setAttribute("data-checked", "no");
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 250);
  }
  function check() {
    var round = ++checkRound;
    $(".fp-verdict").textContent = T.checking;
    root.setAttribute("data-checked", "no");
    return request("POST", "/check", plan).then(function (answer) {
      if (round !== checkRound) return;
      if (!answer.ok) {
        $(".fp-verdict").textContent = problemText(answer.data);
        $(".fp-verdict").className = "fp-verdict bad";
        findings = [];
      } else {
        findings = answer.data.findings;
        showVerdict(answer.data);
      }
      render();
      root.setAttribute("data-checked", "yes");
    });
  }
  function showVerdict(result) {
    var verdict = $(".fp-verdict");
    var recommended = result.findings.length - result.binding;
    verdict.textContent = (result.passed ? T.passed : result.binding + T.failed) + (recommended ? "；" + recommended + T.recommended : "");
    verdict.className = "fp-verdict " + (result.passed ? "ok" : "bad");
    var chip = $(".fp-bar-verdict");
    chip.textContent = verdict.textContent;
    chip.className = "fp-bar-verdict " + (result.passed ? "ok" : "bad");
    root.setAttribute("data-passed", result.passed ? "yes" : "no");
    var list = $('[data-testid="fp-findings"]');
    list.textContent = "";
    var number = 0;
    result.findings.forEach(function (f) {
      var item = document.createElement("li");
      item.className = f.severity;
      item.setAttribute("data-rule", f.rule);
      item.setAttribute("data-testid", "fp-finding");
      if (f.at && f.at.x !== undefined) { number += 1; item.value = number; }
      item.textContent = english ? f.message_en : f.message;
      var source = document.createElement("small");
      source.textContent = english ? f.source_en : f.source;
      item.appendChild(source);
      item.addEventListener("click", function () {
        if (f.at && f.at.id) {
          var type = f.at.kind === "plan" || f.at.kind === "point" ? null : f.at.kind;
          if (type && find(type, f.at.id)) select(type, f.at.id);
        }
      });
      list.appendChild(item);
    });
  }
  function showComments() {
    var box = $(".fp-comments");
    if (!comments.length) return;
    var list = document.createElement("ol");
    comments.forEach(function (c) {
      var item = document.createElement("li");
      item.textContent = T.comment + c.text;
      list.appendChild(item);
    });
    box.appendChild(list);
  }
  function save() {
    if (!editable) return Promise.resolve(true);
    status(T.saving);
    return request("PUT", "/" + boot.id, { base_revision: revision, plan: plan }).then(function (answer) {
      if (!answer.ok) { status(problemText(answer.data)); return false; }
      revision = answer.data.revision;
      dirty = false;
      status(T.saved + revision + (english ? "" : "版"));
      root.setAttribute("data-revision", String(revision));
      return true;
    });
  }

  // --- the bar ----------------------------------------------------------------------------------
  root.addEventListener("click", function (event) {
    var act = event.target.getAttribute && event.target.getAttribute("data-act");
    if (!act) return;
    if (act === "undo") undo();
    else if (act === "redo") redo();
    else if (act === "delete") removeSelected();
    else if (act === "rotate") rotateSelected();
    else if (act === "reverse") reverseSelected();
    else if (act === "finish") finishDrawing();
    else if (act === "zoom-in") setZoom(1.25);
    else if (act === "zoom-out") setZoom(0.8);
    else if (act === "save") save();
    else if (act === "pdf" && dirty) {
      event.preventDefault();
      var href = event.target.href;
      save().then(function (ok) { if (ok) window.open(href, "_blank", "noopener"); });
    }
  });
  var attachForm = root.querySelector(".fp-attach");
  if (attachForm) {
    attachForm.addEventListener("submit", function (event) {
      if (!dirty) return;
      event.preventDefault();
      save().then(function (ok) { if (ok) attachForm.submit(); });
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;
    if ((event.ctrlKey || event.metaKey) && event.key === "z") { event.preventDefault(); undo(); }
    else if ((event.ctrlKey || event.metaKey) && event.key === "y") { event.preventDefault(); redo(); }
    else if (event.key === "Delete" || event.key === "Backspace") removeSelected();
    else if (event.key === "Enter" && drawing) finishDrawing();
  });
  window.addEventListener("resize", resize);

  // For the browser tests and the bench: the plan as it stands, and the time one repaint
  // of the stage takes after moving a room (Performance API).
  window.floorplanEditor = {
    plan: function () { return clone(plan); },
    dirty: function () { return dirty; },
    toScreen: function (x, y) {
      var box = holder.getBoundingClientRect();
      return { x: box.left + world.x() + x * zoom, y: box.top + world.y() + y * zoom };
    },
    // One step of dragging a room, as Konva paints it: the room on the drag layer moved
    // and that layer repainted (the first step also repaints the plan without it).
    repaint: function (times) {
      var node = world.findOne(".room");
      var spent = [];
      var start = performance.now();
      node.moveTo(dragWorld);
      layer.draw();
      dragLayer.draw();
      var first = performance.now() - start;
      for (var i = 0; i < (times || 20); i++) {
        start = performance.now();
        node.x(node.x() + (i % 2 ? -GRID : GRID));
        dragLayer.draw();
        spent.push(performance.now() - start);
      }
      render();
      spent.sort(function (a, b) { return a - b; });
      return { median: spent[Math.floor(spent.length / 2)], max: spent[spent.length - 1], first: first };
    },
    load: function (data) { commit(function () { plan = data; }); }
  };

  // Start with the whole plan in view.
  (function fit() {
    var right = 4, bottom = 4;
    plan.rooms.forEach(function (r) { right = Math.max(right, r.x + r.w); bottom = Math.max(bottom, r.y + r.h); });
    plan.marks.forEach(function (m) { m.points.forEach(function (p) { right = Math.max(right, p[0]); bottom = Math.max(bottom, p[1]); }); });
    var width = holder.clientWidth || 800, height = holder.clientHeight || 560;
    zoom = Math.max(12, Math.min(90, Math.min((width - 40) / (right + 1), (height - 40) / (bottom + 1))));
  })();
  resize();
  render();
  showComments();
  if (findings.length) showVerdict({ findings: findings, passed: findings.every(function (f) { return f.severity !== "binding"; }), binding: findings.filter(function (f) { return f.severity === "binding"; }).length });
  check();
})();
