/* The print button of the presence list and the report (an event handler here, not an onclick attribute, so the CSP holds). */
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }
})();
