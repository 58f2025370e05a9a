/* The import form keeps the chosen file after a refusal (#18, item 10).
 *
 * A page reload empties a file input, and no page may fill one in again, so a refused import
 * used to send people back to the file picker for every correction or re-try ("skip bad
 * rows", dry run then import). Here the form is sent with fetch and the answer's <main>
 * replaces the page's, with the file input the person filled moved into the new form: the
 * file stays chosen. Without fetch, or when fetch could not send, the form is sent the
 * ordinary way; an answer that is not the import page is shown as it came.
 * No framework, nothing from elsewhere: script-src 'self' allows this file only.
 */
(function () {
  "use strict";

  function ordinarySubmit(form) {
    HTMLFormElement.prototype.submit.call(form);
  }

  function swapIn(form, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var freshForm = fresh && fresh.querySelector("form[data-import-form]");
    if (!freshForm) { return false; }  // a login page or an error page: show it whole
    var picker = form.querySelector("input[type=file]");
    var freshPicker = freshForm.querySelector("input[type=file]");
    if (picker && freshPicker) {
      ["aria-invalid", "aria-describedby"].forEach(function (name) {
        if (freshPicker.hasAttribute(name)) { picker.setAttribute(name, freshPicker.getAttribute(name)); }
        else { picker.removeAttribute(name); }
      });
      freshPicker.replaceWith(picker);  // moved, not copied: it keeps the chosen file
    }
    document.querySelector("main").replaceWith(document.adoptNode(fresh));
    if (doc.title) { document.title = doc.title; }
    watch();
    var report = document.querySelector("[data-testid=import-report], [data-testid=form-error]");
    if (report) { report.setAttribute("tabindex", "-1"); report.focus(); }
    return true;
  }

  function onSubmit(event) {
    var form = event.currentTarget;
    if (!window.fetch || !window.DOMParser || !window.FormData) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (answer) {
        return answer.text().then(function (html) {
          if (swapIn(form, html)) { return; }
          // Not the import page (signed out, an error): never send twice, show what came.
          if (answer.redirected) { window.location.assign(answer.url); return; }
          var doc = new DOMParser().parseFromString(html, "text/html");
          document.body.replaceWith(document.adoptNode(doc.body));
        });
      }, function () { ordinarySubmit(form); });  // not sent at all: send it the ordinary way
  }

  function watch() {
    var form = document.querySelector("form[data-import-form]");
    if (form && !form.dataset.watched) {
      form.dataset.watched = "1";
      form.addEventListener("submit", onSubmit);
    }
  }

  watch();
})();
