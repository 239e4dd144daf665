/* The window's rating pad: ask every few seconds whether the clerk finished a service (the
   invitation to rate); reload when the offered ticket changes, unless someone is typing. */
(function () {
  var pad = document.getElementById("pad");
  if (!pad) return;
  var url = pad.getAttribute("data-state-url");
  var shown = pad.getAttribute("data-ticket") || "";
  function busy() {
    var active = document.activeElement;
    return active && (active.tagName === "TEXTAREA" || active.tagName === "SELECT");
  }
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) return;
        var now = state.ticket === null ? "" : String(state.ticket);
        if (now !== shown && !busy()) location.reload();
      })
      .catch(function () {});
  }
  setInterval(poll, 3000);
})();
