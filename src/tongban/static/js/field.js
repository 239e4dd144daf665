/* The inspector's phone page: every write (a verdict, a photo, a signature, a material, the
   conclusion) goes into an outbox kept in the browser's IndexedDB (idb-keyval) before it is
   sent, and leaves it only when the platform has answered. A dropped connection leaves the
   writes waiting; they are sent, in order, when the connection is back. Each write carries
   the id it was given when made (client_id), so a write sent again after its answer was lost
   is recognised by the platform and counted once. */
(function () {
  var root = document.getElementById("field");
  if (!root || !window.idbKeyval) return;
  var kv = window.idbKeyval;
  var api = root.getAttribute("data-api");
  var csrf = root.getAttribute("data-csrf");
  var texts = JSON.parse(document.getElementById("field-texts").textContent);
  var PREFIX = "field-outbox:" + root.getAttribute("data-visit") + ":";
  var sending = false;
  var seq = 0;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function key() {
    // Sorted keys keep the writes in the order they were made.
    seq += 1;
    return PREFIX + String(Date.now()).padStart(15, "0") + "-" + String(seq).padStart(6, "0");
  }

  function pendingKeys() {
    return kv.keys().then(function (keys) {
      return keys.filter(function (k) { return String(k).indexOf(PREFIX) === 0; }).sort();
    });
  }

  function show(state) {
    var online = navigator.onLine;
    root.querySelector("[data-testid=connection]").textContent = online ? texts.online : texts.offline;
    return pendingKeys().then(function (keys) {
      root.querySelector("[data-testid=outbox-count]").textContent = String(keys.length);
      root.querySelector("[data-testid=outbox-state]").textContent =
        state || (keys.length ? texts.waiting : texts.synced);
    });
  }

  function refused(message) {
    var li = document.createElement("li");
    li.className = "error";
    li.textContent = message;
    root.querySelector("[data-testid=outbox-errors]").appendChild(li);
  }

  function enqueue(write) {
    write.client_id = uuid();
    return kv.set(key(), write).then(function () { return show(); }).then(flush);
  }

  function request(write) {
    var init = { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf } };
    if (write.files) {
      var form = new FormData();
      form.append("client_id", write.client_id);
      Object.keys(write.body).forEach(function (k) { form.append(k, write.body[k]); });
      Object.keys(write.files).forEach(function (k) { form.append(k, write.files[k].blob, write.files[k].name); });
      init.body = form;
    } else {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(Object.assign({ client_id: write.client_id }, write.body));
    }
    return fetch(api + write.path, init);
  }

  function messageOf(response) {
    return response.json().then(function (data) {
      var lines = [data.message || data.detail || ""];
      if (data.errors) {
        Object.keys(data.errors).forEach(function (f) { lines.push(data.errors[f].join("，")); });
      }
      return lines.filter(Boolean).join("：");
    }).catch(function () { return String(response.status); });
  }

  /* Send what waits, oldest first. A network failure or a busy platform stops the round (the
     write stays); a refusal (4xx) is shown and the write dropped, since sending it again
     cannot succeed. */
  function flush() {
    if (sending) return Promise.resolve();
    sending = true;
    function next() {
      return pendingKeys().then(function (keys) {
        if (!keys.length) return true;
        var k = keys[0];
        return kv.get(k).then(function (write) {
          if (!write) return kv.del(k).then(next);
          return show(texts.sending).then(function () { return request(write); }).then(function (response) {
            if (response.ok) return kv.del(k).then(function () { return after(write); }).then(next);
            if (response.status === 429 || response.status >= 500) return false;
            return messageOf(response).then(function (message) {
              refused((write.label ? write.label + "：" : "") + message);
              return kv.del(k).then(next);
            });
          });
        });
      });
    }
    return next().catch(function () { return false; }).then(function (done) {
      sending = false;
      return show(done ? "" : texts.waiting);
    });
  }

  function after(write) {
    if (write.path === "/photos") {
      var count = root.querySelector("[data-testid=photo-count]");
      if (count) count.textContent = String(Number(count.textContent) + 1);
    }
    if (write.reload) location.reload();
  }

  // --- the checklist -----------------------------------------------------------------------
  function entryOf(li) {
    var part = li.closest("[data-inspection]");
    var chosen = li.querySelector("input[data-verdict]:checked");
    if (!chosen) return;
    var note = li.querySelector("input[data-note]");
    if ((chosen.value === "rectify" || chosen.value === "fail") && !note.value.trim()) {
      // What was found must be written down first: the entry is sent when it is.
      note.required = true;
      note.focus();
      return;
    }
    enqueue({
      path: "/entries",
      label: li.querySelector("p").textContent.trim().slice(0, 20),
      body: {
        inspection_id: Number(part.getAttribute("data-inspection")),
        code: li.getAttribute("data-check"),
        verdict: chosen.value,
        note: note.value
      }
    });
  }
  root.querySelectorAll("li[data-check]").forEach(function (li) {
    li.querySelectorAll("input[data-verdict]").forEach(function (input) {
      input.addEventListener("change", function () { entryOf(li); });
    });
    li.querySelector("input[data-note]").addEventListener("change", function () { entryOf(li); });
  });

  // --- photos: scaled on the phone (1600 px, JPEG), with the time and the place ------------
  function scaled(file) {
    return createImageBitmap(file).then(function (bitmap) {
      var ratio = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * ratio);
      canvas.height = Math.round(bitmap.height * ratio);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
    }).catch(function () { return file; });
  }
  function position() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition(
        function (p) { resolve(p.coords); },
        function () { resolve(null); },
        { timeout: 5000, maximumAge: 60000 }
      );
    });
  }
  var photo = root.querySelector("input[data-photo]");
  if (photo) {
    photo.addEventListener("change", function () {
      var file = photo.files[0];
      if (!file) return;
      var takenAt = new Date().toISOString();
      Promise.all([scaled(file), position()]).then(function (got) {
        var coords = got[1];
        photo.value = "";
        return enqueue({
          path: "/photos",
          label: texts.photo,
          body: {
            taken_at: takenAt,
            latitude: coords ? coords.latitude : "",
            longitude: coords ? coords.longitude : "",
            accuracy: coords ? Math.round(coords.accuracy) : ""
          },
          files: { file: { blob: got[0], name: "photo.jpg" } }
        });
      });
    });
  }

  // --- materials collected on the spot ------------------------------------------------------
  root.querySelectorAll("input[data-material]").forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) return;
      var part = input.closest("[data-inspection]");
      input.value = "";
      enqueue({
        path: "/materials",
        label: texts.material,
        reload: true,
        body: {
          inspection_id: part.getAttribute("data-inspection"),
          material_id: input.getAttribute("data-material")
        },
        files: { file: { blob: file, name: file.name } }
      });
    });
  });

  // --- signatures drawn on the screen (mouse, pen or finger) --------------------------------
  root.querySelectorAll("form[data-sign]").forEach(function (form) {
    var canvas = form.querySelector("canvas");
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    function at(e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true;
      canvas.setPointerCapture(e.pointerId);
      var p = at(e);
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = at(e);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      drawn = true;
    });
    canvas.addEventListener("pointerup", function () { drawing = false; });
    form.querySelector("[data-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!drawn) { refused(texts.signature_empty); return; }
      var name = form.querySelector("input[name=name]");
      enqueue({
        path: "/signatures",
        label: texts.signature,
        reload: true,
        body: { role: form.getAttribute("data-sign"), name: name ? name.value : "", image: canvas.toDataURL("image/png") }
      });
      form.hidden = true;
    });
  });

  // --- the conclusion -----------------------------------------------------------------------
  root.querySelectorAll("form[data-conclude]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var part = form.closest("[data-inspection]");
      var result = form.querySelector("input[name=result]:checked").value;
      enqueue({
        path: "/conclude",
        label: texts.conclusion,
        reload: true,
        body: {
          inspection_id: Number(part.getAttribute("data-inspection")),
          result: result,
          note: form.querySelector("textarea[name=note]").value,
          rectify_days: result === "rectify" ? Number(form.querySelector("input[name=rectify_days]").value) : null
        }
      });
    });
  });

  // --- on-site certification ---------------------------------------------------------------
  root.querySelectorAll("form[data-certify]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var part = form.closest("[data-inspection]");
      form.querySelector("button").disabled = true;
      enqueue({
        path: "/certify",
        label: texts.certify,
        reload: true,
        body: { inspection_id: Number(part.getAttribute("data-inspection")) }
      });
    });
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { show(); });
  setInterval(flush, 5000);
  flush();
})();
