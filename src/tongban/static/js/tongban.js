/* Behaviour the pages share, in a file (the Content-Security-Policy allows no inline handlers). */
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field && field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
