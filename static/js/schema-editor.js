// The schema editor's live preview: as the form changes, post it to the preview URL
// and put the answer (the applicant's form, or what is wrong) beside the editor.
// Without this script the 「预览」 button does the same with a page load.
(function () {
  "use strict";
  const form = document.getElementById("schema-editor");
  const target = document.getElementById("schema-preview");
  if (!form || !target || !window.fetch) return;
  let timer = null;
  let sent = 0;
  function refresh() {
    const mine = ++sent;
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) { return response.text(); })
      .then(function (html) { if (mine === sent) target.innerHTML = html; })
      .catch(function () { /* the 预览 button still works */ });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
