// The service worker (issue 18): keeps the field forms and the assets on
// the phone so that a cadre out of signal can still open 记一笔, a visit, a
// need or her open tasks' report forms; what she submits there waits in
// the outbox (outbox.js). It keeps only pages the outbox asked it to keep
// (no page with personal data in the clear) and never answers an API call
// or a form post itself: those go to the network or fail, honestly.
"use strict";

// A new version of this file (the server's) replaces the assets' copies.
var VERSION = "jinguo-offline-1";
var STATIC = VERSION + "-static";
var PAGES = "jinguo-pages";
// The page for a page it has no copy of (and no outbox page either), in
// every language of the catalogue: the server writes it in when it serves
// this file.
var NO_COPY = "__NO_COPY__";
var ASSETS = [
  "/static/app.css",
  "/static/app.js",
  "/static/outbox.js",
  "/static/icon-192.png",
  "/static/htmx.min.js",
  "/static/favicon.svg",
  "/static/noto-sans-mongolian-2.001.woff2",
];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC).then(function (cache) { return cache.addAll(ASSETS); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n !== STATIC && n !== PAGES;
      }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// A page answered from the copy: the request's own URL, else the same
// path with another query, else the outbox, which lists what can be done
// offline and links the kept forms.
// The copy is marked as one, so the page can say so (outbox.js).
function fromCopy(request) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || cache.match(request, { ignoreSearch: true });
    }).then(function (hit) {
      return hit || cache.match("/outbox");
    });
  }).then(function (hit) {
    if (!hit) return hit;
    return hit.text().then(function (html) {
      return new Response(html.replace("<head>", '<head><meta name="from-copy" content="1">'), {
        status: 200,
        headers: { "Content-Type": "text/html; charset=utf-8" },
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    // Assets: the copy at once, refreshed from the network behind it.
    event.respondWith(caches.open(STATIC).then(function (cache) {
      return cache.match(request).then(function (hit) {
        var fresh = fetch(request).then(function (resp) {
          if (resp.ok) cache.put(request, resp.clone());
          return resp;
        });
        return hit || fresh;
      });
    }));
    return;
  }
  if (request.mode !== "navigate") return;
  // Pages: the network first; a kept page is refreshed when it is loaded,
  // and answered from the copy only when the network fails.
  event.respondWith(fetch(request).then(function (resp) {
    if (resp.ok && !resp.redirected) {
      var copy = resp.clone();
      caches.open(PAGES).then(function (cache) {
        return cache.match(request).then(function (kept) {
          if (kept) return cache.put(request, copy);
        });
      });
    }
    return resp;
  }).catch(function () {
    return fromCopy(request).then(function (hit) {
      return hit || new Response(NO_COPY, {
        status: 503,
        headers: { "Content-Type": "text/html; charset=utf-8" },
      });
    });
  }));
});
