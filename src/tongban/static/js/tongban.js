/* Behaviour the pages share, in a file (the Content-Security-Policy allows no inline handlers). */
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field && field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});

/* Delivery choice: show only the fieldsets the chosen mode needs (all show without script). */
function tongbanDeliveryFieldsets(root) {
  var checked = root.querySelector("input[name=delivery_mode]:checked");
  var mode = checked ? checked.value : "";
  root.querySelectorAll("[data-for-mode]").forEach(function (set) {
    set.hidden = mode !== "" && set.getAttribute("data-for-mode").split(" ").indexOf(mode) < 0;
  });
}
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field && field.name === "delivery_mode" && field.form) {
    tongbanDeliveryFieldsets(field.form);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector("input[name=delivery_mode]")) {
      tongbanDeliveryFieldsets(form);
    }
  });
  /* Signature pads: draw with a finger, a pen or a mouse; the PNG goes into the hidden field. */
  document.querySelectorAll("canvas[data-signature-for]").forEach(function (pad) {
    var field = document.getElementById(pad.getAttribute("data-signature-for"));
    var ink = pad.getContext("2d");
    var drawing = false;
    ink.lineWidth = 3;
    ink.lineCap = "round";
    function at(event) {
      var box = pad.getBoundingClientRect();
      return {
        x: ((event.clientX - box.left) * pad.width) / box.width,
        y: ((event.clientY - box.top) * pad.height) / box.height,
      };
    }
    pad.addEventListener("pointerdown", function (event) {
      drawing = true;
      pad.setPointerCapture(event.pointerId);
      var p = at(event);
      ink.beginPath();
      ink.moveTo(p.x, p.y);
    });
    pad.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = at(event);
      ink.lineTo(p.x, p.y);
      ink.stroke();
    });
    pad.addEventListener("pointerup", function () {
      drawing = false;
      field.value = pad.toDataURL("image/png");
    });
    var clear = document.querySelector("[data-signature-clear='" + field.id + "']");
    if (clear) {
      clear.addEventListener("click", function () {
        ink.clearRect(0, 0, pad.width, pad.height);
        field.value = "";
      });
    }
  });
});

/* The header's menu on a phone: the button opens and closes the links. */
document.addEventListener("click", function (event) {
  var toggle = event.target.closest ? event.target.closest(".menu-toggle") : null;
  if (!toggle) return;
  var nav = document.getElementById(toggle.getAttribute("aria-controls"));
  if (!nav) return;
  var open = nav.classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});

/* Tables on a phone: each row becomes a card and each cell carries its column's name (the CSS
   shows it below the breakpoint). Tables marked .grid-keep stay tables. */
function tongbanLabelCells(root) {
  root.querySelectorAll("table:not(.grid-keep)").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) return;
    table.classList.add("stack");
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        var head = heads[i];
        if (head && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", head.textContent.trim());
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { tongbanLabelCells(document); });
document.addEventListener("htmx:afterSwap", function (event) { tongbanLabelCells(event.target); });
