// Long jobs (core/jobs.py, templates/includes/job.html): while a job is pending, ask its
// state every two seconds and show it in place; when it is done, show its link.
// Without this script the page refreshes itself instead (a <noscript> meta refresh).
(() => {
  const EVERY = 2000;
  const field = (box, name) => box.querySelector(`[data-job-field="${name}"]`);

  function show(box, state) {
    field(box, "status_label").textContent = state.status_label;
    box.querySelector(".job-badge").className = `badge job-badge job-${state.status}`;
    field(box, "counts").textContent = state.total ? `${state.done} / ${state.total}` : "";
    const bar = box.querySelector("progress");
    bar.value = state.percent;
    bar.textContent = `${state.percent}%`;
    bar.classList.toggle("d-none", !state.pending);
    field(box, "size").textContent = state.size;
    const link = field(box, "download");
    link.classList.toggle("d-none", !state.download_url);
    if (state.download_url) link.href = state.download_url;
    const error = field(box, "error");
    error.classList.toggle("d-none", !state.error);
    error.textContent = state.error ? `${error.dataset.prefix || ""}${state.error}` : "";
  }

  function watch(box) {
    const poll = () => {
      fetch(box.dataset.jobStatusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((state) => {
          show(box, state);
          if (state.pending) window.setTimeout(poll, EVERY);
        })
        .catch(() => window.setTimeout(poll, EVERY * 5));
    };
    window.setTimeout(poll, EVERY);
  }

  document.querySelectorAll('[data-job-pending="true"]').forEach(watch);
})();
