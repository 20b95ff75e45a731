// aigrid progressive enhancement. Every page works without this file: forms post normally.
(function () {
  "use strict";

  // Move focus to the error summary after a failed submit, so screen readers announce it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // Step pages: the "why not applicable" field shows only when "not applicable" is chosen (or
  // already holds text). Without JavaScript it is always shown.
  Array.prototype.forEach.call(document.querySelectorAll("[data-na-justification]"), function (box) {
    var id = box.getAttribute("data-na-justification");
    var radios = document.getElementsByName("a." + id);
    var text = box.querySelector("textarea");
    function sync() {
      var na = false;
      Array.prototype.forEach.call(radios, function (r) { if (r.checked && r.value === "not_applicable") { na = true; } });
      box.hidden = !na && text.value.trim() === "";
    }
    Array.prototype.forEach.call(radios, function (r) { r.addEventListener("change", sync); });
    sync();
  });

  // Step pages: save automatically after a pause in typing, show the status, and warn before
  // leaving with unsaved changes. The server answers JSON with the new revisions, which keeps
  // conflict detection exact for the next save.
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = form.querySelector("[data-save-status]");
  var dirty = false, saving = false, timer = null, submitting = false;
  var lang = document.documentElement.lang === "fr" ? "fr" : "en";
  var text = {
    en: { pending: "Changes not saved yet", saving: "Saving…", saved: "All changes saved", partial: "Saved, except the answers to check (%n): ", first: "see the first one", error: "Not saved: check the answers marked in red, then save.", conflict: "Someone else changed an answer: save to compare.", offline: "Not saved: connection lost. Your answers are still here.", retry: "Not saved: a temporary problem. Trying again shortly." },
    fr: { pending: "Modifications pas encore enregistrées", saving: "Enregistrement…", saved: "Toutes les modifications sont enregistrées", partial: "Enregistré, sauf les réponses à vérifier (%n)\u00a0: ", first: "voir la première", error: "Non enregistré\u00a0: vérifiez les réponses signalées en rouge, puis enregistrez.", conflict: "Quelqu’un d’autre a modifié une réponse\u00a0: enregistrez pour comparer.", offline: "Non enregistré\u00a0: connexion perdue. Vos réponses sont toujours là.", retry: "Non enregistré\u00a0: un problème temporaire. Nouvel essai dans un instant." }
  }[lang];

  // The status line keeps its height whatever it says (see .save-status): nothing may move the
  // buttons under a pointer.
  function say(msg, link) {
    if (!status) { return; }
    status.textContent = msg;
    if (link) {
      var a = document.createElement("a");
      a.href = "#" + link;
      a.textContent = text.first;
      status.appendChild(a);
    }
  }

  function fieldsetOf(id) { return document.getElementById("q-" + id.replace(/\./g, "-")); }

  // Shows the server's message beside each answer that was not saved, and clears the others.
  function markErrors(messages) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-autosave-error]"), function (p) {
      if (!messages || !messages[p.getAttribute("data-autosave-error")]) {
        var fs = p.closest("fieldset");
        if (fs) { fs.classList.remove("question--error"); }
        p.remove();
      }
    });
    var first = null;
    Object.keys(messages || {}).forEach(function (id) {
      var fs = fieldsetOf(id);
      if (!fs) { return; }
      var p = fs.querySelector('[data-autosave-error="' + id + '"]');
      if (!p) {
        p = document.createElement("p");
        p.className = "field-error";
        p.id = "autosave-error-" + id.replace(/\./g, "-");
        p.setAttribute("data-autosave-error", id);
        p.tabIndex = -1;
        var legend = fs.querySelector("legend");
        legend.parentNode.insertBefore(p, legend.nextSibling);
      }
      p.textContent = messages[id];
      fs.classList.add("question--error");
      if (!first || document.getElementById(first).compareDocumentPosition(p) & Node.DOCUMENT_POSITION_PRECEDING) {
        first = p.id;
      }
    });
    return first;
  }

  function save() {
    if (saving) { schedule(); return; }
    saving = true;
    dirty = false;
    say(text.saving);
    var data = new FormData(form);
    data.set("action", "save");
    // form.action would be the buttons named "action": read the attribute
    fetch(form.getAttribute("action"), { method: "POST", body: new URLSearchParams(data), headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (res) {
        return res.json().then(function (body) { return { status: res.status, body: body }; });
      })
      .then(function (r) {
        if (r.body && r.body.saved) {
          // only the questions this save wrote: the others keep the revision the page showed,
          // so a later change of theirs is still checked against a colleague's edits
          Object.keys(r.body.revisions || {}).forEach(function (id) {
            var input = form.querySelector('input[name="r.' + id + '"]');
            if (input) { input.value = r.body.revisions[id]; }
            var base = form.querySelector('input[name="o.' + id + '"]');
            if (base && r.body.bases && r.body.bases[id]) { base.value = r.body.bases[id]; }
          });
          var first = markErrors(r.body.messages);
          if (first) {
            dirty = true;
            say(text.partial.replace("%n", Object.keys(r.body.messages).length), first);
          } else {
            say(dirty ? text.pending : text.saved);
          }
        } else if (r.status === 503 || (r.body && r.body.not_saved)) {
          dirty = true;
          say(text.retry);
          clearTimeout(timer);
          timer = setTimeout(save, 10000);
        } else if (r.status === 409) {
          dirty = true;
          markErrors(r.body && r.body.messages);
          say(text.conflict);
        } else {
          dirty = true;
          say(text.error);
        }
      })
      .catch(function () { dirty = true; say(text.offline); })
      .then(function () { saving = false; });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, 2000);
  }

  function changed() {
    dirty = true;
    say(text.pending);
    schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { submitting = true; clearTimeout(timer); });
  window.addEventListener("beforeunload", function (e) {
    if (dirty && !submitting) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
})();

// A link to a collapsed section (the results' sheets) opens it.
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") { el.open = true; }
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
