/* The reviewer's click on the plan: its place in metres fills the comment form's x and y. */
(function () {
  "use strict";
  var view = document.querySelector(".plan-view.commentable");
  if (!view) return;
  var svg = view.querySelector("svg");
  var x = document.getElementById("plan-x");
  var y = document.getElementById("plan-y");
  var NS = "http://www.w3.org/2000/svg";
  var marker = null;
  svg.addEventListener("click", function (event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var local = point.matrixTransform(svg.getScreenCTM().inverse());
    x.value = Math.max(0, Math.round(local.x * 10) / 10);
    y.value = Math.max(0, Math.round(local.y * 10) / 10);
    if (!marker) {
      marker = document.createElementNS(NS, "circle");
      marker.setAttribute("r", "0.3");
      marker.setAttribute("fill", "none");
      marker.setAttribute("stroke", "#6a1b9a");
      marker.setAttribute("stroke-width", "0.08");
      marker.setAttribute("data-testid", "comment-marker");
      svg.appendChild(marker);
    }
    marker.setAttribute("cx", x.value);
    marker.setAttribute("cy", y.value);
    document.getElementById("plan-text").focus();
  });
})();
