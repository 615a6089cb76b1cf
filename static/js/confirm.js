// Irreversible actions ask first (core/confirm.py): a form carrying `_confirm` opens a
// native <dialog> stating the consequence; the form is sent only after "confirm", with
// `_confirmed=1` so the server does not ask again. Without script the server asks.
(function () {
  "use strict";
  var template = document.getElementById("confirm-dialog-template");
  if (!template || typeof HTMLDialogElement === "undefined") return;

  function field(form, name) {
    var input = form.querySelector('input[type="hidden"][name="' + name + '"]');
    return input ? input.value : "";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var consequence = field(form, "_confirm");
    if (!consequence || form.dataset.confirmed === "1") return;
    var submitter = event.submitter || null;
    var when = field(form, "_confirm_when");
    if (when && (!submitter || submitter.name !== when)) return;
    event.preventDefault();

    var dialog = template.content.firstElementChild.cloneNode(true);
    dialog.querySelector(".confirm-dialog-text").textContent = consequence;
    var ok = dialog.querySelector(".confirm-dialog-ok");
    var style = field(form, "_confirm_style") || "primary";
    ok.classList.add("btn-" + style);
    ok.textContent = field(form, "_confirm_button") || (submitter && submitter.textContent.trim()) || ok.value;
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () { dialog.remove(); });
    dialog.querySelector('[value="cancel"]').addEventListener("click", function () { dialog.close(); });
    ok.addEventListener("click", function () {
      dialog.close();
      var confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "_confirmed";
      confirmed.value = "1";
      form.appendChild(confirmed);
      form.dataset.confirmed = "1";
      if (form.requestSubmit) {
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      } else {
        form.submit();
      }
    });
    dialog.showModal();
    ok.focus();
  });
})();
