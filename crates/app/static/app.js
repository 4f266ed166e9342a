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
        // The header's and the phone menu's buttons tell the same state.
        document.querySelectorAll("[data-toggle-text-size]").forEach(function (b) {
          b.setAttribute("aria-pressed", on ? "true" : "false");
        });
      });
    });
  });

  // Parts of the page that only work with scripts (the unit pickers'
  // search boxes) are hidden until now.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-needs-script][hidden]").forEach(function (el) {
      el.hidden = false;
    });
  });

  // Unit pickers (macros/units.html): a search result's "choose" button
  // selects that unit in the picker's list, adding it (with its path) when
  // it lies too deep to be listed.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-pick-code]");
    if (!btn) return;
    var field = document.getElementById(btn.getAttribute("data-pick-target"));
    if (!field) return;
    var code = btn.getAttribute("data-pick-code");
    if (field.tagName === "SELECT") {
      var option = Array.prototype.find.call(field.options, function (o) { return o.value === code; });
      if (!option) {
        option = new Option(btn.getAttribute("data-pick-label"), code);
        field.add(option);
      }
      // A multiple select (a task's targets) keeps what was chosen before.
      if (field.multiple) option.selected = true;
      else field.value = code;
    } else {
      field.value = code;
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.focus();
  });

  // Choosing units as a task's targets selects "chosen units" over "all
  // units of a level".
  document.addEventListener("change", function (e) {
    var sel = e.target;
    if (!sel.matches || !sel.matches("select[name=target_units]") || !sel.form) return;
    var radio = sel.form.querySelector("input[name=target_mode][value=units]");
    if (radio && sel.selectedOptions.length) radio.checked = true;
  });

  // Forms marked data-draft keep what was typed in this browser until the
  // server confirms it: the page after a successful save carries
  // data-draft-saved with the form's key, and only then is the draft
  // dropped. A submit that never reaches the server (no signal) or comes
  // back with errors keeps it, so a dropped connection on the steppe
  // loses nothing.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-draft-saved]").forEach(function (el) {
      localStorage.removeItem("jinguo-draft-" + el.getAttribute("data-draft-saved"));
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = "jinguo-draft-" + form.getAttribute("data-draft");
      var fields = form.querySelectorAll("input:not([type=hidden]):not([type=search]):not([type=file]), select, textarea");
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

  // Photo inputs show what was chosen before it is sent, and mark files
  // the server would refuse as too large. Data URLs, since the content
  // security policy allows no blob: images.
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[type=file][data-photo-preview]")) return;
    var list = document.getElementById(input.getAttribute("data-photo-preview"));
    if (!list) return;
    var max = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;
    var room = parseInt(input.getAttribute("data-max-files"), 10);
    list.textContent = "";
    var warn = document.getElementById(input.id + "-too-many");
    if (warn) warn.remove();
    if (!isNaN(room) && input.files && input.files.length > room) {
      warn = document.createElement("p");
      warn.id = input.id + "-too-many";
      warn.className = "field-error";
      warn.textContent = input.getAttribute("data-too-many");
      list.parentNode.insertBefore(warn, list);
    }
    Array.prototype.forEach.call(input.files || [], function (file) {
      var li = document.createElement("li");
      if (max && file.size > max) {
        li.className = "too-large";
        li.textContent = file.name;
      } else {
        var img = document.createElement("img");
        img.alt = file.name;
        img.width = 96;
        img.height = 96;
        li.appendChild(img);
        var reader = new FileReader();
        reader.onload = function () { img.src = reader.result; };
        reader.readAsDataURL(file);
      }
      list.appendChild(li);
    });
  });

  // htmx requests carry the session's CSRF token in a header.
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) e.detail.headers["X-CSRF-Token"] = meta.content;
  });
})();
