// chancery serve's live reload: added to HTML responses by the dev server only, never written
// into a built site. It listens to the server's event stream; when a newer build than the one
// this page came from is ready it reloads, and when a rebuild fails it shows the error over
// the last good page until the file is fixed.
(function () {
  "use strict";
  var me = document.currentScript;
  var shown = Number(me && me.getAttribute("data-build"));
  var overlay = null;

  function showError(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "chancery-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,10,10,.94);color:#ffd7d7;font:14px/1.5 ui-monospace,monospace;";
      var title = document.createElement("h2");
      title.textContent = "chancery: the last change does not build";
      title.style.cssText = "margin:0 0 1rem;color:#ff8a8a;font:bold 18px/1.3 system-ui,sans-serif;";
      var note = document.createElement("p");
      note.textContent = "This is the last good version of the page. Fix the file and save: the error goes away by itself.";
      note.style.cssText = "margin:0 0 1rem;font-family:system-ui,sans-serif;color:#ddd;";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0;";
      overlay.appendChild(title);
      overlay.appendChild(note);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = message;
  }

  function clearError() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  var events = new EventSource("/__chancery/events");
  events.addEventListener("status", function (e) {
    var status = JSON.parse(e.data);
    if (status.build !== shown) {
      location.reload();
      return;
    }
    if (status.error) {
      showError(status.error);
    } else {
      clearError();
    }
  });
})();
