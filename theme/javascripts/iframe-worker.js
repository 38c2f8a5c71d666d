/* A stand-in for Web Workers when the site is opened from disk (file://), so search works on a
 * shared drive. Why: browsers refuse `new Worker()` for file:// pages, and Material's offline
 * plugin would otherwise load the npm package `iframe-worker` from unpkg.com, which an intranet
 * cannot reach (mkdocs.yml names this file in extra.polyfills, which keeps that one out).
 * It runs the worker's script in a hidden iframe of the same page and passes messages both ways,
 * as that package does; Material's search worker knows this set-up (it looks for
 * `parent.IFrameWorker`). Over HTTP nothing changes: the browser's own Worker is used. */
(function () {
  "use strict";

  if (location.protocol !== "file:" && typeof window.Worker !== "undefined") {
    return;
  }

  function IFrameWorker(url) {
    var self = this;
    var listeners = [];
    this.onmessage = null;
    this.onerror = null;

    var frame = document.createElement("iframe");
    frame.hidden = true;
    frame.setAttribute("aria-hidden", "true");
    frame.setAttribute("tabindex", "-1");
    frame.title = "search worker";
    (document.body || document.documentElement).appendChild(frame);
    var inner = frame.contentWindow;

    // The worker's side: what a worker script calls (postMessage, importScripts) made to work
    // in a window. Messages are handed over on a later turn, as a real worker's are.
    inner.postMessage = function (data) {
      setTimeout(function () { self.dispatch({ type: "message", data: data }); }, 0);
    };
    inner.importScripts = function () {
      var urls = Array.prototype.slice.call(arguments);
      return urls.reduce(function (done, src) {
        return done.then(function () { return load(inner.document, src); });
      }, Promise.resolve());
    };

    this.addEventListener = function (type, listener) {
      listeners.push({ type: type, listener: listener });
    };
    this.removeEventListener = function (type, listener) {
      listeners = listeners.filter(function (l) {
        return !(l.type === type && l.listener === listener);
      });
    };
    this.dispatch = function (event) {
      var handler = event.type === "message" ? self.onmessage : self.onerror;
      if (typeof handler === "function") {
        handler.call(self, event);
      }
      listeners.forEach(function (l) {
        if (l.type === event.type) {
          l.listener.call(self, event);
        }
      });
    };
    // A worker receives what was sent before its script ran; here the script loads after the
    // constructor returns, so messages wait for it.
    var loaded = load(inner.document, new URL(url, location.href).href);
    loaded.catch(function (error) {
      self.dispatch({ type: "error", message: String(error) });
    });
    this.postMessage = function (data) {
      loaded.then(function () {
        inner.dispatchEvent(new inner.MessageEvent("message", { data: data }));
      });
    };
    this.terminate = function () {
      frame.remove();
    };
  }

  function load(doc, src) {
    return new Promise(function (resolve, reject) {
      var script = doc.createElement("script");
      script.src = src;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("could not load " + src)); };
      (doc.body || doc.documentElement).appendChild(script);
    });
  }

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
