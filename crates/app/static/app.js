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
    // Offline capture needs a secure context (HTTPS); the outbox page says
    // so where it is missing.
    if (!window.isSecureContext) {
      document.querySelectorAll("[data-needs-insecure][hidden]").forEach(function (el) {
        el.hidden = false;
      });
    }
  });

  // A list's further filters are folded on a phone and open on a wide
  // screen, where they fit beside the search box.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(min-width: 48rem)").matches) return;
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) {
      d.open = true;
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
  //
  // The form's idempotency key (made by the server when it rendered the
  // form) and the time the record was made on the phone are kept with a
  // draft that was sent: sending it again, after a reload too, records it
  // once. Changing the form after a send makes it a new record (new key).
  function newKey() {
    var b = new Uint8Array(32);
    (window.crypto || window.msCrypto).getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-draft-saved]").forEach(function (el) {
      localStorage.removeItem("jinguo-draft-" + el.getAttribute("data-draft-saved"));
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = "jinguo-draft-" + form.getAttribute("data-draft");
      var fields = form.querySelectorAll("input:not([type=hidden]):not([type=search]):not([type=file]), select, textarea");
      var idem = form.querySelector("input[name=idempotency_key]");
      var madeAt = form.querySelector("input[data-made-at]");
      var sent = false;
      var saved = null;
      try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
      // A page kept on the phone (outbox.js) may be hours old and its key
      // used already by a record queued from it: a fresh one.
      var renderedAt = document.querySelector("meta[name=rendered-at]");
      var fromCopy = document.querySelector("meta[name=from-copy]");
      if (idem && renderedAt && (fromCopy || Date.now() - parseInt(renderedAt.content, 10) * 1000 > 2 * 60 * 1000)) {
        idem.value = newKey();
      }
      // A field as the server rendered it: a select's default option, a
      // box's default tick.
      function untouched(f) {
        if (f.type === "checkbox" || f.type === "radio") return f.checked === f.defaultChecked;
        if (f.tagName === "SELECT") {
          var marked = Array.prototype.some.call(f.options, function (o) { return o.defaultSelected; });
          return Array.prototype.every.call(f.options, function (o, i) {
            // Without a marked option a single select starts on its first.
            return o.selected === (marked ? o.defaultSelected : !f.multiple && i === 0);
          });
        }
        return f.value === f.defaultValue;
      }
      if (saved) {
        // Ticked boxes and multiple choices are kept as lists of values.
        fields.forEach(function (f) {
          if (!f.name || saved[f.name] === undefined || !untouched(f)) return;
          var v = saved[f.name];
          if (f.type === "checkbox" || f.type === "radio") f.checked = [].concat(v).indexOf(f.value) >= 0;
          else if (f.multiple) Array.prototype.forEach.call(f.options, function (o) { o.selected = [].concat(v).indexOf(o.value) >= 0; });
          else f.value = Array.isArray(v) ? v[0] : v;
        });
        if (saved._sent && idem && saved._key) {
          idem.value = saved._key;
          if (madeAt) madeAt.value = saved._made_at || "";
          sent = true;
        }
      }
      function save() {
        var data = {};
        fields.forEach(function (f) {
          if (!f.name) return;
          if (f.type === "checkbox" || f.type === "radio") {
            data[f.name] = data[f.name] || [];
            if (f.checked) data[f.name].push(f.value);
          } else if (f.multiple) {
            data[f.name] = Array.prototype.filter.call(f.options, function (o) { return o.selected; })
              .map(function (o) { return o.value; });
          } else {
            data[f.name] = f.value;
          }
        });
        if (sent && idem) {
          data._sent = true;
          data._key = idem.value;
          data._made_at = madeAt ? madeAt.value : "";
        }
        try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full: the form still holds it */ }
      }
      form.addEventListener("input", function () {
        if (sent && idem) {
          idem.value = newKey();
          if (madeAt) madeAt.value = "";
          sent = false;
        }
        save();
      });

      var busy = false;
      // `kept`: the record is safe in the outbox (a status, not a warning).
      function notice(text, kept) {
        var p = form.querySelector("[data-draft-notice]");
        if (!p) {
          p = document.createElement("p");
          p.setAttribute("data-draft-notice", "");
          form.insertBefore(p, form.firstChild);
        }
        p.className = kept ? "notice" : "alert";
        p.setAttribute("role", kept ? "status" : "alert");
        p.textContent = text;
        p.scrollIntoView({ block: "center" });
      }
      // Without signal, a form that the outbox takes (data-offline) goes
      // there with the key it was (perhaps) sent with; the form is emptied
      // for the next record. When the outbox cannot keep it, the form and
      // its draft stay as they are.
      var outbox = form.hasAttribute("data-offline") && window.jinguoOutbox;
      function queue(done, submitter) {
        window.jinguoOutbox.enqueue(form, idem ? idem.value : newKey(), madeAt ? madeAt.value : "", submitter)
          .then(function (n) {
            localStorage.removeItem(key);
            form.reset();
            if (idem) idem.value = newKey();
            if (madeAt) madeAt.value = "";
            sent = false;
            form.querySelectorAll("[data-photo-preview]").forEach(function (input) {
              var list = document.getElementById(input.getAttribute("data-photo-preview"));
              if (list) list.textContent = "";
            });
            done();
            notice(window.jinguoOutbox.fill(window.jinguoOutbox.t("queued"), { n: n }), true);
          }, function (err) {
            done();
            notice(err && err.message ? err.message : form.getAttribute("data-draft-offline"));
          });
      }
      form.addEventListener("submit", function (e) {
        if (madeAt && !madeAt.value) madeAt.value = new Date().toISOString();
        sent = true;
        save();
        // Sent by script where it can be, so a lost connection keeps the
        // page and its draft instead of the browser's error page.
        if (!window.fetch || !window.FormData || !window.URLSearchParams) return;
        e.preventDefault();
        if (busy) return;
        busy = true;
        var buttons = form.querySelectorAll("button[type=submit]");
        buttons.forEach(function (b) { b.disabled = true; });
        var done = function () { busy = false; buttons.forEach(function (b) { b.disabled = false; }); };
        // The button pressed is part of what is sent (保存 or 上报 on a
        // task report), as the browser would send it.
        var submitter = e.submitter && e.submitter.name ? e.submitter : null;
        if (outbox && navigator.onLine === false) { queue(done, submitter); return; }
        var data = new FormData(form);
        if (submitter) data.append(submitter.name, submitter.value);
        var body = form.enctype === "multipart/form-data" ? data : new URLSearchParams(data);
        // The attribute, not `form.action`: a control named "action" (the
        // task report's 保存/上报 buttons) shadows that property.
        fetch(form.getAttribute("action") || location.href, { method: "POST", body: body, credentials: "same-origin", redirect: "follow" })
          .then(function (resp) {
            if (resp.redirected) {
              // Saved: the draft goes. The login page (a session that
              // ended) and the password page keep it. Follow either way.
              var to = new URL(resp.url).pathname;
              if (to !== "/login" && to !== "/account/password") localStorage.removeItem(key);
              window.location.assign(resp.url);
            } else if (resp.status >= 500) {
              done();
              notice(form.getAttribute("data-draft-failed"));
            } else {
              // An answer with a page of its own (the form with its
              // errors): send it the ordinary way to show that page; the
              // key keeps a repeat from recording twice.
              HTMLFormElement.prototype.submit.call(form);
            }
          })
          .catch(function () {
            if (outbox) { queue(done, submitter); return; }
            done();
            notice(form.getAttribute("data-draft-offline"));
          });
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
    Array.prototype.forEach.call(rows.children, fitSettings);
    var first = copy.querySelector("input");
    if (first) first.focus();
  });

  // The field builder shows only the settings that fit each field's type
  // (choices for a choice, limits for numbers, the ledger binding for
  // whole numbers) and lets a field be removed; without scripts every
  // setting shows and a field is dropped by clearing its name.
  function fitSettings(row) {
    var type = row.querySelector("select[name=f_type]");
    if (!type) return;
    row.querySelectorAll("[data-for-types]").forEach(function (el) {
      var fits = el.getAttribute("data-for-types").split(" ").indexOf(type.value) >= 0;
      el.hidden = !fits;
    });
    var rows = row.parentNode ? row.parentNode.children.length : 1;
    row.parentNode && Array.prototype.forEach.call(row.parentNode.children, function (r) {
      var rm = r.querySelector("[data-remove-field]");
      if (rm) rm.hidden = rows < 2;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-field-rows] > fieldset").forEach(fitSettings);
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("select[name=f_type]")) {
      fitSettings(e.target.closest("fieldset"));
    }
  });
  // Settings hidden for a field's type are sent empty (never dropped:
  // the server reads the rows' values by position).
  document.addEventListener("submit", function (e) {
    e.target.querySelectorAll && e.target.querySelectorAll("[data-field-rows] [data-for-types][hidden]").forEach(function (el) {
      el.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      el.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
    });
  }, true);
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-remove-field]");
    if (!btn) return;
    var row = btn.closest("fieldset"), rows = row.parentNode;
    if (rows.children.length < 2) return;
    row.remove();
    Array.prototype.forEach.call(rows.children, function (r, i) {
      var legend = r.querySelector("legend");
      if (legend) legend.textContent = legend.textContent.replace(/\d+$/, String(i + 1));
      fitSettings(r);
    });
    var next = rows.querySelector("input");
    if (next) next.focus();
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
  // A Mongolian page: Mongolian text that would lie on its side inside a
  // horizontal line (a data cell holding a category or a role, a figure's
  // caption) is set upright as a short vertical island, like every
  // Mongolian label of a cadre page (docs/mongolian-glossary.md, "Layout").
  // The server cannot know which cells hold Mongolian (dictionary labels,
  // typed text), so the page looks once it is laid out, and again in what
  // htmx brings. Without scripts the text stays readable, on its side.
  function uprightMongolian(scope) {
    if (!/^mn/.test(root.lang)) return;
    var found = [];
    var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!/[\u1820-\u18AA]/.test(n.data)) continue;
      var el = n.parentElement;
      if (!el || el.closest("select, option, textarea, script, style, title, .mn-name, .mn-run, .visually-hidden")) continue;
      if (getComputedStyle(el).writingMode === "horizontal-tb") found.push(n);
    }
    found.forEach(function (t) {
      var span = document.createElement("span");
      span.className = "mn-run";
      t.parentNode.replaceChild(span, t);
      span.appendChild(t);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { uprightMongolian(document.body); });
  document.addEventListener("htmx:afterSwap", function (e) { uprightMongolian(e.detail.target); });

  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) e.detail.headers["X-CSRF-Token"] = meta.content;
  });
})();
