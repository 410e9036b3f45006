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

// Service desk
(function () {
  "use strict";
  // Select every row of a queue for a bulk action.
  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll('input[name="ids[]"]').forEach(function (box) { box.checked = all.checked; });
    });
  }
  // Keyboard: "/" jumps to the search box, "n" opens the service-desk form (not while typing).
  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (/INPUT|TEXTAREA|SELECT/.test(tag) || event.metaKey || event.ctrlKey || event.altKey) { return; }
    if (event.key === "/") {
      var search = document.querySelector("[data-search]");
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "n") {
      var link = document.querySelector('[data-key="n"]');
      if (link) { window.location.href = link.getAttribute("href"); }
    }
  });
  // The ticket page notices when someone else changes the ticket.
  var head = document.querySelector("[data-ticket]");
  var banner = document.querySelector("[data-stale]");
  if (head && banner && window.fetch) {
    var id = head.getAttribute("data-ticket");
    var version = head.getAttribute("data-version");
    window.setInterval(function () {
      if (document.hidden) { return; }
      fetch("/tickets/" + id + "/version", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body && body.version !== version) { banner.hidden = false; } })
        .catch(function () {});
    }, 10000);
  }
  // An action that needs details: when opened, put the cursor in its first field; one open at a time.
  document.querySelectorAll(".action-more").forEach(function (box) {
    var summary = box.querySelector("summary");
    if (!summary) { return; }
    summary.addEventListener("click", function () { box.setAttribute("data-user", ""); });
    box.addEventListener("toggle", function () {
      if (!box.open || !box.hasAttribute("data-user")) { return; }
      box.removeAttribute("data-user");
      var panel = box.closest(".actions");
      if (panel) {
        panel.querySelectorAll(".action-more[open]").forEach(function (other) { if (other !== box) { other.open = false; } });
      }
      var field = box.querySelector("select, textarea, input:not([type=hidden])");
      if (field) { field.focus(); }
    });
  });
  // The reporter's photo: show what was picked before sending.
  var photo = document.querySelector("[data-photo]");
  var preview = document.querySelector("[data-photo-preview]");
  if (photo && preview && window.FileReader) {
    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      if (!file || !/^image\//.test(file.type) || file.size > 10 * 1024 * 1024) { preview.hidden = true; preview.removeAttribute("src"); return; }
      var reader = new FileReader();
      reader.onload = function () { preview.src = reader.result; preview.hidden = false; };
      reader.readAsDataURL(file);
    });
  }
  // Star rating: light the chosen star and the lower ones where CSS :has is missing.
  var stars = document.querySelector(".star-rating");
  if (stars) {
    var paint = function () {
      var on = false;
      stars.querySelectorAll("label").forEach(function (label) {
        var input = label.querySelector("input");
        if (input && input.checked) { on = true; }
        label.classList.toggle("on", on);
      });
    };
    stars.addEventListener("change", paint);
    paint();
  }
  // Print a QR label.
  var print = document.querySelector("[data-print]");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();

// The service desk's caller type-ahead: suggestions from /api/v1/users/lookup as the name is typed.
(function () {
  "use strict";
  var input = document.querySelector("[data-lookup]");
  var list = document.getElementById("reporter-options");
  if (!input || !list || !window.fetch) { return; }
  var timer = null, last = "";
  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (q === last || q.length < 1 || q.indexOf("（") >= 0) { return; }
    last = q;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      fetch(input.getAttribute("data-lookup") + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (people) {
          list.innerHTML = "";
          people.forEach(function (p) {
            var option = document.createElement("option");
            option.value = p.label;
            option.textContent = [p.department, p.phone].filter(Boolean).join(" · ");
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();

// 自助解决: while a reporter types the title, matching knowledge articles appear; each can be marked
// "这解决了我的问题", which records the self-service solution instead of a report.
(function () {
  var input = document.querySelector("[data-kb-suggest]");
  var box = document.querySelector("[data-kb-suggest-box]");
  if (!input || !box || !window.fetch) { return; }
  var list = box.querySelector("ul");
  var timer = null, last = "";
  var solvedLabel = box.getAttribute("data-solved-label") || "这解决了我的问题";
  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (q === last) { return; }
    last = q;
    window.clearTimeout(timer);
    if (q.length < 2) { box.hidden = true; return; }
    timer = window.setTimeout(function () {
      fetch(input.getAttribute("data-kb-suggest") + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (result) {
          list.innerHTML = "";
          (result.items || []).forEach(function (hit) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = "/kb/articles/" + hit.id;
            a.target = "_blank";
            a.rel = "noopener";
            a.textContent = hit.title;
            li.appendChild(a);
            // A button of the report form itself, sent to the article's "solved" address (no nested form).
            var button = document.createElement("button");
            button.type = "submit"; button.className = "button small"; button.textContent = solvedLabel;
            button.setAttribute("formaction", "/kb/articles/" + hit.id + "/solved");
            button.setAttribute("formnovalidate", "");
            button.addEventListener("click", function (event) {
              if (!window.confirm(box.getAttribute("data-confirm") || "确认问题已解决，不再报修？")) { event.preventDefault(); }
            });
            li.appendChild(document.createTextNode(" "));
            li.appendChild(button);
            list.appendChild(li);
          });
          box.hidden = list.children.length === 0;
        })
        .catch(function () {});
    }, 300);
  });
})();

// ===== 运维看板 (dashboard, ANA-1): live updates without reloading =====
// The server sends a `dashboard` event with the freshly rendered panels whenever the figures change
// (Server-Sent Events); the panels are swapped in as they are. Without EventSource, or when the stream
// is refused, the page reloads every 30 seconds instead. The wall screen also shows a ticking clock.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || !root.getAttribute("data-events")) { return; }
  var labels = document.querySelectorAll("[data-live-label]");
  function state(live) {
    document.body.setAttribute("data-live", live ? "live" : "offline");
    labels.forEach(function (el) { el.textContent = el.getAttribute(live ? "data-live-text" : "data-offline-text"); });
  }
  function reloadLater() { window.setTimeout(function () { window.location.reload(); }, 30000); }
  // On a phone the 30-day trend scrolls sideways: show its newest days (today) first.
  function showToday() { root.querySelectorAll(".dash-wide").forEach(function (el) { el.scrollLeft = el.scrollWidth; }); }
  showToday();
  var clock = document.querySelector("[data-clock]");
  if (clock) {
    var zone = clock.getAttribute("data-time-zone") || undefined;
    var dateEl = clock.querySelector("[data-clock-date]"), timeEl = clock.querySelector("[data-clock-time]");
    var tick = function () {
      var now = new Date();
      try {
        dateEl.textContent = now.toLocaleDateString("zh-CN", { timeZone: zone, year: "numeric", month: "long", day: "numeric", weekday: "long" });
        timeEl.textContent = now.toLocaleTimeString("zh-CN", { timeZone: zone, hour12: false });
      } catch (e) { timeEl.textContent = now.toLocaleTimeString(); }
    };
    tick();
    window.setInterval(tick, 1000);
  }
  if (!window.EventSource) { reloadLater(); return; }
  var source = new EventSource(root.getAttribute("data-events"));
  source.addEventListener("dashboard", function (event) {
    var payload;
    try { payload = JSON.parse(event.data); } catch (e) { return; }
    root.innerHTML = payload.html;
    root.setAttribute("data-open", String(payload.open));
    showToday();
    document.querySelectorAll("[data-updated]").forEach(function (el) { el.textContent = payload.updatedAt; });
    state(true);
  });
  source.addEventListener("open", function () { state(true); });
  source.addEventListener("error", function () {
    state(false);
    // CLOSED: the server refused the stream (signed out, too many streams); reconnecting is up to a reload.
    if (source.readyState === 2) { reloadLater(); }
  });
})();

// ===== 运维报告: the 「打印」 button (inline handlers are not allowed by the Content-Security-Policy) =====
document.addEventListener('click', (event) => {
  const button = event.target.closest && event.target.closest('[data-print]');
  if (button) { event.preventDefault(); window.print(); }
});
