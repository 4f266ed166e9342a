// The outbox (issue 18): what a cadre submits without signal waits on her
// phone, in IndexedDB, and sends itself in order when the phone is back in
// range. Each entry keeps the idempotency key it was made with, so a send
// that reached the server but whose answer was lost records once when it
// is sent again. A record the server refuses stays, with the server's
// message, to be corrected or discarded.
//
// Entries with personal data (visits, needs) and the household directory
// are encrypted with AES-GCM under the key the server hands to her
// sessions (GET /outbox/key), kept here only as a non-extractable
// CryptoKey. When the server's key changes (an administrator ended her
// sessions) the old key is dropped and what was queued under it can no
// longer be read. Logging out warns about unsent entries, then wipes all.
//
// Needs a secure context (HTTPS or localhost) for service workers and
// WebCrypto; elsewhere forms work online as before and keep their drafts.
(function () {
  "use strict";
  var ui = document.getElementById("outbox-ui");
  if (!ui || !window.indexedDB || !window.crypto || !window.crypto.subtle || !window.isSecureContext) return;

  function t(name) { return ui.getAttribute("data-t-" + name) || ""; }
  function fill(text, vars) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return vars[k] !== undefined ? String(vars[k]) : m; });
  }
  var me = ui.getAttribute("data-user");

  // Photos queued on this phone, in all: more is refused with a message
  // and the form keeps what was typed.
  var MAX_QUEUED_BYTES = 30 * 1024 * 1024;

  if (navigator.serviceWorker) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* the forms work without it */ });
  }

  // ---- IndexedDB ------------------------------------------------------
  var DB_NAME = "jinguo-outbox";
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          var d = req.result;
          d.createObjectStore("entries", { keyPath: "id", autoIncrement: true });
          d.createObjectStore("meta", { keyPath: "name" });
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function tx(store, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var x = d.transaction(store, mode);
        var result;
        Promise.resolve(work(x.objectStore(store))).then(function (r) { result = r; });
        x.oncomplete = function () { resolve(result); };
        x.onerror = function () { reject(x.error); };
        x.onabort = function () { reject(x.error); };
      });
    });
  }
  function req(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }
  function getMeta(name) {
    return tx("meta", "readonly", function (s) { return req(s.get(name)); });
  }
  function putMeta(value) {
    return tx("meta", "readwrite", function (s) { s.put(value); });
  }
  function entries() {
    return tx("entries", "readonly", function (s) { return req(s.getAll()); }).then(function (all) {
      return (all || []).filter(function (e) { return e.user === me; });
    });
  }
  function putEntry(e) {
    return tx("entries", "readwrite", function (s) { return req(s.put(e)); });
  }
  function deleteEntry(id) {
    return tx("entries", "readwrite", function (s) { s.delete(id); });
  }

  // ---- Encryption -----------------------------------------------------
  function b64(bytes) {
    var s = "";
    bytes.forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function unb64(text) {
    var s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  function currentKey() {
    return getMeta("key").then(function (k) { return k && k.user === me ? k : null; });
  }
  function encrypt(value) {
    return currentKey().then(function (k) {
      if (!k) throw new Error("no-key");
      var iv = crypto.getRandomValues(new Uint8Array(12));
      var plain = new TextEncoder().encode(JSON.stringify(value));
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, k.key, plain).then(function (c) {
        return { key_id: k.id, iv: b64(iv), data: new Uint8Array(c) };
      });
    });
  }
  function decrypt(sealed) {
    return currentKey().then(function (k) {
      if (!k || k.id !== sealed.key_id) throw new Error("unreadable");
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(sealed.iv) }, k.key, sealed.data)
        .then(function (p) { return JSON.parse(new TextDecoder().decode(p)); });
    });
  }

  // ---- Status in the header -------------------------------------------
  var state = { online: navigator.onLine, expired: false, lastSync: null, pending: 0, skew: 0 };
  function fmtTime(ms) {
    var d = new Date(ms);
    var p = function (n) { return ("0" + n).slice(-2); };
    var today = new Date();
    var time = p(d.getHours()) + ":" + p(d.getMinutes());
    if (d.toDateString() === today.toDateString()) return time;
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + time;
  }
  function showStatus() {
    var parts = [state.online ? t("online") : t("offline")];
    if (state.expired) parts.push(t("expired"));
    if (state.pending) parts.push(fill(t("pending"), { n: state.pending }));
    parts.push(state.lastSync ? fill(t("synced"), { at: fmtTime(state.lastSync) }) : t("never-synced"));
    document.querySelectorAll("[data-net-status]").forEach(function (el) {
      el.hidden = false;
      el.textContent = parts.join(" · ");
      el.classList.toggle("offline", !state.online);
      el.classList.toggle("waiting", state.pending > 0);
    });
    document.dispatchEvent(new CustomEvent("outbox:changed"));
  }
  function countPending() {
    return entries().then(function (all) {
      state.pending = all.length;
      showStatus();
      return all;
    });
  }

  // A page answered from the phone's copy says so, with the copy's time:
  // nothing pretends to be live when it is not.
  (function markCopy() {
    var at = document.querySelector("meta[name=rendered-at]");
    if (!at) return;
    var rendered = parseInt(at.content, 10) * 1000;
    var copy = document.querySelector("meta[name=from-copy]");
    if (!rendered || (!copy && Date.now() - rendered < 2 * 60 * 1000)) return;
    document.addEventListener("DOMContentLoaded", function () {
      var main = document.querySelector("main");
      if (!main) return;
      var p = document.createElement("p");
      p.className = "notice copy-notice";
      p.setAttribute("role", "status");
      p.textContent = fill(t("copy"), { at: fmtTime(rendered) });
      main.insertBefore(p, main.firstChild);
    });
  })();

  // ---- Queueing a form --------------------------------------------------
  function formLabel(form) {
    var kind = form.getAttribute("data-offline");
    var label = t("kind-" + kind);
    if (kind === "activity") {
      var title = form.querySelector("[name=title]");
      if (title && title.value) label += "：" + title.value;
    } else if (kind === "report") {
      var h = document.querySelector("h1");
      if (h) label += "：" + h.textContent.trim();
    }
    return label;
  }
  function formFields(form, submitter) {
    var fields = [], files = [], size = 0;
    var data = new FormData(form);
    if (submitter) data.append(submitter.name, submitter.value);
    data.forEach(function (value, name) {
      if (name === "_csrf" || name === "idempotency_key" || name === "made_at" || name === "household") return;
      if (typeof value === "string") fields.push([name, value]);
      else if (value && value.size) {
        files.push({ name: name, blob: value, filename: value.name, type: value.type });
        size += value.size;
      }
    });
    return { fields: fields, files: files, size: size };
  }
  function queuedBytes() {
    return entries().then(function (all) {
      return all.reduce(function (n, e) { return n + (e.bytes || 0); }, 0);
    });
  }

  // Puts a submitted form in the outbox. `key`: the idempotency key it was
  // (perhaps) sent with. Resolves to the number waiting; rejects with a
  // message for the page when the phone cannot keep it.
  function enqueue(form, key, madeAt, submitter) {
    var kind = form.getAttribute("data-offline");
    var personal = form.hasAttribute("data-personal");
    var got = formFields(form, submitter);
    var action = form.getAttribute("action").split("#")[0];
    var hh = form.querySelector("select[name=household]");
    if (hh) {
      // The offline visit form: the household picked is the route.
      if (!hh.value) return Promise.reject(new Error(t("choose-household")));
      action = "/households/" + hh.value + "/visits";
    }
    var made = Date.parse(madeAt) || Date.now();
    if (Math.abs(state.skew) > 60 * 1000) made += state.skew;
    return queuedBytes().then(function (bytes) {
      if (bytes + got.size > MAX_QUEUED_BYTES) throw new Error(t("too-much"));
      var entry = {
        user: me,
        kind: kind,
        label: personal ? t("kind-" + kind) : formLabel(form),
        action: action,
        page: form.getAttribute("data-offline-page") || location.pathname + location.search,
        draft: form.getAttribute("data-draft") || "",
        multipart: form.enctype === "multipart/form-data",
        key: key,
        made_at: new Date(made).toISOString(),
        queued_at: Date.now(),
        status: "pending",
        message: "",
        bytes: got.size,
        files: got.files,
      };
      if (!personal) {
        entry.fields = got.fields;
        return entry;
      }
      return encrypt(got.fields).then(function (sealed) {
        entry.sealed = sealed;
        return entry;
      }).catch(function () { throw new Error(t("no-key")); });
    }).then(putEntry).then(countPending).then(function (all) { return all.length; })
      .catch(function (e) {
        if (e && e.name === "QuotaExceededError") throw new Error(t("too-much"));
        throw e;
      });
  }

  // ---- Sending ----------------------------------------------------------
  var sending = null;
  // What the server said of a refused entry: the page's error messages.
  function refusalText(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var texts = [];
    doc.querySelectorAll("main .alert, main .field-error").forEach(function (el) {
      var s = el.textContent.trim();
      if (s && texts.indexOf(s) < 0) texts.push(s);
    });
    return texts.join(" ") || t("refused");
  }
  function sendOne(entry, csrf) {
    var fieldsPromise = entry.sealed ? decrypt(entry.sealed) : Promise.resolve(entry.fields);
    return fieldsPromise.then(function (fields) {
      // The token first: the server checks it before it reads the files.
      var body = entry.multipart ? new FormData() : new URLSearchParams();
      body.append("_csrf", csrf);
      body.append("idempotency_key", entry.key);
      body.append("made_at", entry.made_at);
      fields.forEach(function (f) { body.append(f[0], f[1]); });
      (entry.files || []).forEach(function (f) { body.append(f.name, f.blob, f.filename); });
      return fetch(entry.action, { method: "POST", body: body, credentials: "same-origin", redirect: "follow" });
    }, function () {
      entry.status = "unreadable";
      entry.message = t("unreadable");
      return putEntry(entry).then(function () { return null; });
    }).then(function (resp) {
      if (resp === null) return "next";
      var path = new URL(resp.url).pathname;
      // The login page (a session that ended) and the password page (an
      // administrator set her password) are no answer: she comes back.
      if (path === "/login" || path === "/account/password") { state.expired = true; return "stop"; }
      // Not a refusal: the server busy or failing, or the same entry being
      // written from another page of hers (409): later, as it stands.
      if (resp.status === 403) return "stop";
      if (resp.status >= 500 || resp.status === 409 || resp.status === 429) return "later";
      // A form that was taken answers with a redirect to what it made.
      if (resp.redirected && resp.ok) return deleteEntry(entry.id).then(function () { return "sent"; });
      return resp.text().then(function (html) {
        entry.status = "refused";
        entry.message = refusalText(html);
        return putEntry(entry).then(function () { return "next"; });
      });
    });
  }
  // Sends every pending entry, oldest first; stops at the first that the
  // network or the session does not let through. Resolves to what went in.
  function sendAll(csrf) {
    // One page at a time sends (two open pages would send the same entry
    // at once); the others find it done.
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("jinguo-outbox-send", function () { return sendAllNow(csrf); });
    }
    return sendAllNow(csrf);
  }
  function sendAllNow(csrf) {
    return entries().then(function (all) {
      var queue = all.filter(function (e) { return e.status === "pending"; })
        .sort(function (a, b) { return a.id - b.id; });
      var sent = [];
      function step(i) {
        if (i >= queue.length) return sent;
        return sendOne(queue[i], csrf).then(function (r) {
          if (r === "sent") sent.push(queue[i].label);
          if (r === "later") retrySoon();
          if (r === "stop" || r === "later") return sent;
          return step(i + 1);
        });
      }
      return step(0);
    });
  }

  // A send the server could not take just now is tried again shortly,
  // then less often.
  var retryDelay = 3000;
  var retryTimer = null;
  function retrySoon() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      sync();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5 * 60 * 1000);
  }

  // ---- Syncing while in range --------------------------------------------
  // Asks the server for her key and the session's token, drops a key the
  // server no longer hands out, sends the outbox, refreshes the kept
  // pages and the household directory.
  function sync() {
    if (sending) return sending;
    if (navigator.onLine === false) {
      state.online = false;
      return countPending();
    }
    sending = fetch("/outbox/key", { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (resp) {
        state.online = true;
        if (resp.type === "opaqueredirect" || resp.status === 401 || resp.status === 403) {
          state.expired = true;
          return countPending().then(function () { return null; });
        }
        if (!resp.ok) return null;
        state.expired = false;
        return resp.json().then(function (k) {
          // How far the phone's clock is off, as of now: what is recorded
          // offline later is dated by the server's clock where it can be.
          state.skew = k.now * 1000 - Date.now();
          putMeta({ name: "clock", user: me, skew: state.skew });
          return currentKey().then(function (old) {
            if (old && old.id === k.key_id) return;
            return crypto.subtle.importKey("raw", unb64(k.key), "AES-GCM", false, ["encrypt", "decrypt"])
              .then(function (key) {
                return putMeta({ name: "key", user: me, id: k.key_id, key: key });
              }).then(function () {
                // The old key's directory is unreadable now: fetch anew.
                return tx("meta", "readwrite", function (s) { s.delete("households"); });
              });
          }).then(function () { return sendAll(k.csrf); })
            .then(function (sent) {
              if (sent.length) {
                showSent(sent);
                retryDelay = 3000;
              }
              return Promise.all([keepPages(), keepDirectory()]);
            })
            .then(function () {
              state.lastSync = Date.now();
              return putMeta({ name: "sync", user: me, at: state.lastSync });
            });
        });
      })
      .catch(function () { state.online = false; })
      .then(function () {
        sending = null;
        return countPending();
      });
    return sending;
  }
  function showSent(labels) {
    var box = document.querySelector("[data-outbox-sent]");
    if (!box) return;
    box.hidden = false;
    var list = box.querySelector("ul");
    labels.forEach(function (l) {
      var li = document.createElement("li");
      li.textContent = l;
      list.appendChild(li);
    });
  }
  function keepPages() {
    if (!window.caches) return Promise.resolve();
    return fetch("/outbox/pages", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (urls) {
        return caches.open("jinguo-pages").then(function (cache) {
          return cache.keys().then(function (kept) {
            // Pages no longer listed (a task answered) are dropped.
            return Promise.all(kept.filter(function (r) {
              return urls.indexOf(new URL(r.url).pathname + new URL(r.url).search) < 0;
            }).map(function (r) { return cache.delete(r); }));
          }).then(function () {
            return Promise.all(urls.map(function (u) {
              return fetch(u, { credentials: "same-origin", cache: "no-store" }).then(function (resp) {
                if (resp.ok && !resp.redirected) return cache.put(u, resp);
              }).catch(function () {});
            }));
          });
        });
      });
  }
  function keepDirectory() {
    if (ui.getAttribute("data-personal") !== "1") return Promise.resolve();
    return fetch("/outbox/households", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (list) {
        if (!list) return;
        return encrypt(list).then(function (sealed) {
          return putMeta({ name: "households", user: me, at: Date.now(), sealed: sealed });
        });
      });
  }
  function directory() {
    return getMeta("households").then(function (d) {
      if (!d || d.user !== me) return null;
      return decrypt(d.sealed).then(function (list) { return { at: d.at, list: list }; });
    });
  }

  // ---- Logging out -------------------------------------------------------
  // Everything kept for her goes: entries, keys, the directory, the pages.
  function wipe() {
    var gone = [];
    if (dbPromise) gone.push(dbPromise.then(function (d) { d.close(); }));
    return Promise.all(gone).then(function () {
      dbPromise = null;
      return new Promise(function (resolve) {
        var r = indexedDB.deleteDatabase(DB_NAME);
        r.onsuccess = r.onerror = r.onblocked = function () { resolve(); };
      });
    }).then(function () {
      if (window.caches) return caches.delete("jinguo-pages");
    });
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[action='/logout']")) return;
    if (form.hasAttribute("data-wiped")) return;
    e.preventDefault();
    entries().then(function (all) {
      if (all.length && !window.confirm(fill(t("logout-warning"), { n: all.length }))) return;
      return wipe().then(function () {
        form.setAttribute("data-wiped", "");
        HTMLFormElement.prototype.submit.call(form);
      });
    }).catch(function () {
      form.setAttribute("data-wiped", "");
      HTMLFormElement.prototype.submit.call(form);
    });
  }, true);

  // ---- Start --------------------------------------------------------------
  window.addEventListener("online", function () { state.online = true; sync(); });
  window.addEventListener("offline", function () { state.online = false; showStatus(); });
  Promise.all([getMeta("sync"), getMeta("clock")]).then(function (m) {
    if (m[0] && m[0].user === me) state.lastSync = m[0].at;
    if (m[1] && m[1].user === me) state.skew = m[1].skew || 0;
  }).catch(function () {}).then(function () {
    document.readyState === "loading"
      ? document.addEventListener("DOMContentLoaded", function () { countPending(); sync(); })
      : (countPending(), sync());
  });

  // ---- The outbox page --------------------------------------------------
  function outboxPage() {
    var table = document.querySelector("[data-outbox-list]");
    if (!table) return;
    var body = table.querySelector("tbody");
    var empty = document.querySelector("[data-outbox-empty]");
    var stateLine = document.querySelector("[data-outbox-state]");
    var sendBtn = document.querySelector("[data-outbox-send]");
    function render() {
      entries().then(function (all) {
        all.sort(function (a, b) { return a.id - b.id; });
        body.textContent = "";
        empty.hidden = all.length > 0;
        table.hidden = all.length === 0;
        all.forEach(function (e) {
          var tr = document.createElement("tr");
          var what = document.createElement("td");
          what.textContent = e.label;
          if (e.message) {
            var msg = document.createElement("p");
            msg.className = "field-error";
            msg.textContent = e.message;
            what.appendChild(msg);
          }
          var when = document.createElement("td");
          when.textContent = fmtTime(Date.parse(e.made_at) || e.queued_at);
          var st = document.createElement("td");
          st.textContent = table.getAttribute("data-st-" + e.status);
          var act = document.createElement("td");
          if (e.status === "refused" && e.draft) {
            var fix = document.createElement("button");
            fix.type = "button";
            fix.textContent = table.getAttribute("data-correct");
            fix.addEventListener("click", function () { correct(e); });
            act.appendChild(fix);
          }
          var del = document.createElement("button");
          del.type = "button";
          del.className = "link danger";
          del.textContent = table.getAttribute("data-discard");
          del.addEventListener("click", function () {
            if (window.confirm(table.getAttribute("data-discard-confirm"))) deleteEntry(e.id).then(countPending);
          });
          act.appendChild(del);
          tr.appendChild(what); tr.appendChild(when); tr.appendChild(st); tr.appendChild(act);
          body.appendChild(tr);
        });
      });
      stateLine.textContent = document.querySelector("[data-net-status]")
        ? document.querySelector("[data-net-status]").textContent : "";
    }
    // A refused record goes back into its form's draft, and the form opens
    // with it; sent from there it keeps its key and the time it was made.
    function correct(e) {
      Promise.resolve(e.sealed ? decrypt(e.sealed) : e.fields).then(function (fields) {
        // As a draft keeps them: a name sent more than once (ticked
        // boxes) as a list.
        var data = {};
        fields.forEach(function (f) {
          if (data[f[0]] === undefined) data[f[0]] = f[1];
          else data[f[0]] = [].concat(data[f[0]], f[1]);
        });
        data._sent = true;
        data._key = e.key;
        data._made_at = e.made_at;
        localStorage.setItem("jinguo-draft-" + e.draft, JSON.stringify(data));
        return deleteEntry(e.id);
      }).then(function () { location.assign(e.page); });
    }
    sendBtn.addEventListener("click", function () {
      var label = sendBtn.textContent;
      sendBtn.disabled = true;
      sendBtn.textContent = sendBtn.getAttribute("data-sending");
      sync().then(function () {
        sendBtn.disabled = false;
        sendBtn.textContent = label;
      });
    });
    document.addEventListener("outbox:changed", render);
    render();
  }

  // ---- The offline visit form: households from the encrypted directory --
  function visitPage() {
    var form = document.querySelector("form[data-directory-form]");
    if (!form) return;
    var select = form.querySelector("select[name=household]");
    var hint = form.querySelector("[data-directory-hint]");
    select.addEventListener("change", function () {
      form.setAttribute("action", select.value ? "/households/" + select.value + "/visits" : "/outbox/visit");
    });
    function load() {
      directory().then(function (d) {
        if (!d) { hint.textContent = form.getAttribute("data-no-directory"); return; }
        var chosen = select.value;
        while (select.options.length > 1) select.remove(1);
        d.list.forEach(function (h) {
          select.add(new Option(h.head + " · " + h.members + " · " + h.unit_name, String(h.id)));
        });
        select.value = chosen;
        hint.textContent = fill(form.getAttribute("data-directory-at"), { at: fmtTime(d.at), n: d.list.length });
      }).catch(function () { hint.textContent = form.getAttribute("data-no-directory"); });
    }
    document.addEventListener("outbox:changed", load);
    load();
  }

  document.readyState === "loading"
    ? document.addEventListener("DOMContentLoaded", function () { outboxPage(); visitPage(); })
    : (outboxPage(), visitPage());

  // What app.js and the outbox page use.
  window.jinguoOutbox = {
    enqueue: enqueue,
    entries: entries,
    sync: sync,
    // No sync under way (tests wait for it before switching the network).
    idle: function () { return !sending; },
    remove: function (id) { return deleteEntry(id).then(countPending); },
    read: function (entry) { return entry.sealed ? decrypt(entry.sealed) : Promise.resolve(entry.fields); },
    directory: directory,
    state: state,
    t: t,
    fill: fill,
    fmtTime: fmtTime,
  };
})();
