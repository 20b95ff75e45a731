// aigrid progressive enhancement. Every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary after a failed submit, so screen readers announce it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
