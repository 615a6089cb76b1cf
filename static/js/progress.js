// Progress bars take their width from data-progress-width (a percentage): the Content
// Security Policy refuses style attributes in the page, not styles set from a script.
document.querySelectorAll("[data-progress-width]").forEach((bar) => {
  const percent = Math.max(0, Math.min(100, Number(bar.dataset.progressWidth) || 0));
  bar.style.width = `${percent}%`;
});
