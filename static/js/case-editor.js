/* The case editor: live character counts, automatic saving, and a copy of everything
   typed kept in this browser until the server has it. Works without this script too
   (the form saves with its button); the script only adds.

   Counting mirrors core/text.py exactly (counted_length): the text is normalised as the
   server normalises it (line breaks, removed controls and invisible characters, NFC),
   then every code point counts except whitespace (JavaScript's \s) and the invisible
   characters kept for a script (joiners, direction marks, variation selectors).
   tests/browser/test_counter_parity.py compares the two on random Unicode text. */
(function () {
  "use strict";

  // core/text.py: _LINE_BREAK, _REMOVED, NOT_COUNTED, WHITESPACE — keep in step.
  const LINE_BREAK = /\r\n|[\r\v\f\x85\u2028\u2029]/g;
  const REMOVED = /[\x01-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]/g;
  const WHITESPACE = /^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]$/;

  function notCounted(cp) {
    return cp === 0 // NUL: refused by the server, never stored
      || (cp >= 0xd800 && cp <= 0xdfff) // a lone surrogate: refused likewise
      || cp === 0x200c || cp === 0x200d || cp === 0x200e || cp === 0x200f || cp === 0x061c || cp === 0x180e
      || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
  }

  function countedLength(value) {
    const text = String(value || "").replace(LINE_BREAK, "\n").replace(REMOVED, "").normalize("NFC");
    let n = 0;
    for (const ch of text) { // code points, not UTF-16 units
      if (!WHITESPACE.test(ch) && !notCounted(ch.codePointAt(0))) n += 1;
    }
    return n;
  }

  window.CaseText = Object.freeze({ countedLength: countedLength });

  const form = document.getElementById("case-editor");
  if (!form) return;
  const text = JSON.parse(document.getElementById("editor-messages").textContent);
  const limit = Number(form.dataset.limit);
  const storageKey = "case-draft-" + form.dataset.case;
  const status = document.getElementById("save-status");
  const versionInput = form.querySelector("input[name=version]");
  const counted = Array.from(form.querySelectorAll("textarea[data-counted]"));
  const AUTOSAVE_DELAY = 2500;
  const RETRY_DELAY = 15000;
  let timer = null;
  let dirty = false;
  let stale = false;
  let inFlight = false;

  function updateCounts() {
    let total = 0;
    for (const area of counted) {
      const n = countedLength(area.value);
      total += n;
      const badge = document.querySelector('[data-count-for="' + area.id + '"]');
      if (badge) badge.textContent = n;
    }
    const totalBadge = document.getElementById("total-count");
    totalBadge.textContent = total;
    totalBadge.classList.toggle("text-danger", total > limit);
    totalBadge.title = total > limit ? text.over : "";
  }

  function snapshot() {
    const data = {};
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken") data[name] = value;
    }
    return data;
  }

  function keepLocally() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({ version: versionInput.value, data: snapshot(), at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server copy is all we have */ }
  }

  function forgetLocalCopy() {
    try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
  }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("text-danger", Boolean(isError));
  }

  async function save() {
    if (stale || inFlight || !dirty) return;
    inFlight = true;
    say(text.saving);
    // URL-encoded, as the form's own submit: the form holds no file, and the server
    // reads this encoding at a fraction of multipart's cost (the autosave is the
    // deadline rush's request).
    const body = new URLSearchParams(new FormData(form));
    try {
      // A login page answers with a redirect: "manual" lets us see it instead of following it.
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST", body: body, redirect: "manual", credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
      });
      if (response.type === "opaqueredirect" || response.status === 0) throw new Error("login");
      const answer = await response.json().catch(() => { throw new Error("not json"); });
      if (response.status === 409) {
        stale = true;
        say(answer.message || text.stale, true);
        return;
      }
      if (!response.ok) {
        say(answer.message || text.offline, true);
        return;
      }
      versionInput.value = answer.version;
      dirty = false;
      forgetLocalCopy();
      say(text.saved + " " + answer.saved_at);
      showMissing(answer.problems);
    } catch (error) {
      say(text.offline, true);
      schedule(RETRY_DELAY);
    } finally {
      inFlight = false;
    }
  }

  function showMissing(problems) {
    const list = document.getElementById("missing-list");
    if (!list) return;
    list.replaceChildren(...problems.map((message) => {
      const item = document.createElement("li");
      item.textContent = message;
      return item;
    }));
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  form.addEventListener("input", function () {
    dirty = true;
    updateCounts();
    keepLocally();
    if (!stale) {
      say(text.unsaved);
      schedule(AUTOSAVE_DELAY);
    }
  });
  form.addEventListener("submit", function () {
    clearTimeout(timer);
    keepLocally(); // kept until the server answers with the saved page
    dirty = false;
  });
  window.addEventListener("online", () => schedule(500));
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = text.leave;
    }
  });

  // A copy left by an earlier visit that never reached the server: offer it back.
  function offerLocalCopy() {
    let stored = null;
    try { stored = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { stored = null; }
    if (!stored || !stored.data) return;
    const current = snapshot();
    const differs = Object.keys(stored.data).some((name) => name !== "version" && stored.data[name] !== current[name]);
    if (!differs) { forgetLocalCopy(); return; }
    const box = document.getElementById("local-copy");
    box.classList.remove("d-none");
    document.getElementById("restore-local").addEventListener("click", function () {
      for (const [name, value] of Object.entries(stored.data)) {
        if (name === "version") continue;
        const field = form.elements.namedItem(name);
        if (field && "value" in field) field.value = value;
      }
      box.classList.add("d-none");
      dirty = true;
      updateCounts();
      schedule(200);
    });
    document.getElementById("discard-local").addEventListener("click", function () {
      forgetLocalCopy();
      box.classList.add("d-none");
    });
  }

  updateCounts();
  // The page just saved by its button: the local copy is on the server now.
  if (!document.querySelector(".alert-danger")) offerLocalCopy(); else keepLocally();
})();
