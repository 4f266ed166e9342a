// The public help page: quick exit, and the proof of work that answers the
// form's challenge. Everything works without this file (the exit is a
// plain link, and the form then asks a small sum instead).
//
// SHA-256 is computed here rather than with crypto.subtle: subtle is absent
// on plain-HTTP intranet pages, and for a 60-byte input its per-call
// promise costs more than the hash, so this is also the faster path.
(function () {
  "use strict";

  // Quick exit: replace this page in history, blank it, go somewhere neutral.
  function leave(url) {
    try { document.body.innerHTML = ""; document.title = ""; } catch (e) { /* leave anyway */ }
    location.replace(url || "about:blank");
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("[data-exit]");
    if (a) { ev.preventDefault(); leave(a.getAttribute("data-exit")); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") {
      var a = document.querySelector("[data-exit]");
      if (a) { leave(a.getAttribute("data-exit")); }
    }
  });

  // Every step of the flow replaces the current history entry instead of
  // adding one, so Back after a quick exit (which replaces the page too)
  // leads out of the flow, never to an earlier step of it. Links and
  // searches load with location.replace; posted forms are sent with fetch
  // and their answer takes this page's place and address.
  // Only the help flow, which has the quick exit; other public pages
  // (the honours notices) keep ordinary history.
  function flow() { return document.querySelector("[data-exit]") !== null; }
  function local(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; }
  }
  document.addEventListener("click", function (ev) {
    if (!flow() || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) { return; }
    var a = ev.target.closest && ev.target.closest("a[href]");
    if (!a || a.hasAttribute("data-exit") || a.protocol === "tel:" || !local(a.href)) { return; }
    ev.preventDefault();
    location.replace(a.href);
  });
  function send(form) {
    var fields = new URLSearchParams(new FormData(form));
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") {
      var url = new URL(form.getAttribute("action") || location.pathname, location.href);
      url.search = fields.toString();
      location.replace(url.href);
      return;
    }
    fetch(form.action, { method: "POST", body: fields, credentials: "same-origin" })
      .then(function (resp) {
        return resp.text().then(function (html) {
          history.replaceState(null, "", resp.url);
          document.open();
          document.write(html);
          document.close();
        });
      })
      // No answer (no signal): the ordinary submission shows the browser's own message.
      .catch(function () { form.submit(); });
  }
  // The request form waits for its proof of work (below) before it goes.
  var holdAsk = function () { return false; };
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (!f || !local(f.action || location.href)) { return; }
    if (f.id === "ask" && holdAsk()) { ev.preventDefault(); return; }
    if (!flow()) { return; }
    ev.preventDefault();
    send(f);
  });

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];
  var W = new Int32Array(64), IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

  // One 64-byte block of `words` (from `at`) into the state `H`.
  function compress(H, words, at) {
    var i;
    for (i = 0; i < 16; i++) { W[i] = words[at + i]; }
    for (i = 16; i < 64; i++) {
      var x = W[i - 15], y = W[i - 2];
      var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (i = 0; i < 64; i++) {
      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }

  function toWords(s, words) {
    for (var i = 0; i < s.length; i++) { words[i >> 2] |= (s.charCodeAt(i) & 0xff) << (24 - (i & 3) * 8); }
  }

  // The state after the whole 64-byte blocks of an ASCII prefix, so each
  // nonce costs only the last block or two.
  function prefix(s) {
    var full = s.length >> 6, words = new Int32Array(full * 16), H = new Int32Array(IV);
    toWords(s.slice(0, full * 64), words);
    for (var b = 0; b < full; b++) { compress(H, words, b * 16); }
    return { H: H, len: full * 64, rest: s.slice(full * 64) };
  }

  var tail = new Int32Array(32), state = new Int32Array(8);
  // SHA-256 of prefix ‖ s; returns the first two words of the digest.
  function finish(p, s) {
    s = p.rest + s;
    var n = s.length, total = p.len + n, blocks = ((n + 8) >> 6) + 1;
    tail.fill(0);
    toWords(s, tail);
    tail[n >> 2] |= 0x80 << (24 - (n & 3) * 8);
    tail[blocks * 16 - 1] = total * 8;
    state.set(p.H);
    for (var b = 0; b < blocks; b++) { compress(state, tail, b * 16); }
    return [state[0] >>> 0, state[1] >>> 0];
  }
  function sha256(s) { return finish(prefix(""), s); }
  // Exposed for a self-check in the browser console.
  window.jinguoSha256 = sha256;

  function zeroBits(w) {
    if (w[0] === 0) { return 32 + (w[1] === 0 ? 32 : Math.clz32(w[1])); }
    return Math.clz32(w[0]);
  }

  var form = document.getElementById("ask");
  if (!form) { return; }
  var challenge = form.elements.challenge.value;
  var bits = parseInt(form.getAttribute("data-bits"), 10) || 16;
  var pre = prefix(challenge), nonce = null, counter = 0, waiting = false;

  // Searches in slices so the page stays responsive while she types.
  function work() {
    var end = counter + 4000;
    for (; counter < end; counter++) {
      if (zeroBits(finish(pre, String(counter))) >= bits) {
        nonce = String(counter);
        form.elements.nonce.value = nonce;
        if (waiting) { if (flow()) { send(form); } else { form.submit(); } }
        return;
      }
    }
    setTimeout(work, 0);
  }
  setTimeout(work, 0);

  holdAsk = function () {
    if (nonce !== null) { return false; }
    waiting = true;
    var w = form.querySelector("[data-working]");
    if (w) { w.hidden = false; }
    return true;
  };
})();
