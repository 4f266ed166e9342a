// Progressive enhancements; every page works without them.
(function () {
  "use strict";
  var root = document.documentElement;
  if (localStorage.getItem("jinguo-large-text") === "1") root.classList.add("large-text");

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-toggle-text-size]").forEach(function (btn) {
      btn.setAttribute("aria-pressed", root.classList.contains("large-text") ? "true" : "false");
      btn.addEventListener("click", function () {
        var on = root.classList.toggle("large-text");
        localStorage.setItem("jinguo-large-text", on ? "1" : "0");
        btn.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });
  });

  // Unit pickers: a search result's "choose" button fills the code field
  // and shows the chosen unit's path beside it.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-pick-code]");
    if (!btn) return;
    var field = document.getElementById(btn.getAttribute("data-pick-target"));
    if (!field) return;
    field.value = btn.getAttribute("data-pick-code");
    var shown = document.getElementById(field.id + "-picked");
    if (shown) shown.textContent = btn.getAttribute("data-pick-label");
    field.focus();
  });

  // Forms marked data-draft keep what was typed in this browser until they
  // are sent, so a dropped connection on the steppe loses nothing.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = "jinguo-draft-" + form.getAttribute("data-draft");
      var fields = form.querySelectorAll("input:not([type=hidden]):not([type=search]), select, textarea");
      var saved = null;
      try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
      if (saved) {
        fields.forEach(function (f) {
          if (f.name && saved[f.name] !== undefined && f.value === f.defaultValue) f.value = saved[f.name];
        });
      }
      form.addEventListener("input", function () {
        var data = {};
        fields.forEach(function (f) { if (f.name) data[f.name] = f.value; });
        localStorage.setItem(key, JSON.stringify(data));
      });
      form.addEventListener("submit", function () { localStorage.removeItem(key); });
    });
  });

  // The report-form builder: "add a field" copies the last row, emptied.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-add-field]");
    if (!btn) return;
    var rows = btn.parentNode.querySelector("[data-field-rows]");
    var last = rows && rows.lastElementChild;
    if (!last) return;
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input").forEach(function (i) { i.value = ""; i.removeAttribute("aria-invalid"); });
    copy.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
    copy.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
    var details = copy.querySelector("details");
    if (details) details.open = false;
    var legend = copy.querySelector("legend");
    if (legend) legend.textContent = legend.textContent.replace(/\d+$/, String(rows.children.length + 1));
    rows.appendChild(copy);
    var first = copy.querySelector("input");
    if (first) first.focus();
  });

  // htmx requests carry the session's CSRF token in a header.
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) e.detail.headers["X-CSRF-Token"] = meta.content;
  });
})();
