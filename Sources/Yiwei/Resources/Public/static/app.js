// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Forms that ask for confirmation before an irreversible action (revoke a token …).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll(".user-menu details[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  // Phone navigation: the menu button is a <label> for a hidden checkbox, so it works without
  // JavaScript; here it also answers the keyboard, reports its state and closes with Escape.
  var navToggle = document.getElementById("nav-toggle");
  var navButton = document.querySelector(".nav-button");
  if (navToggle && navButton) {
    var syncNav = function () { navButton.setAttribute("aria-expanded", navToggle.checked ? "true" : "false"); };
    navToggle.addEventListener("change", syncNav);
    navButton.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        navToggle.checked = !navToggle.checked;
        syncNav();
      }
    });
    syncNav();
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    if (navToggle && navToggle.checked) { navToggle.checked = false; navToggle.dispatchEvent(new Event("change")); if (navButton) { navButton.focus(); } }
    document.querySelectorAll(".user-menu details[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) { summary.focus(); }
    });
  });
  // Select a newly created token's text with one click, ready to copy.
  var secret = document.getElementById("new-token");
  if (secret) {
    secret.addEventListener("click", function () {
      var range = document.createRange();
      range.selectNodeContents(secret);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    });
  }
})();
