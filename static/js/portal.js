// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions that ask for it.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Width of progress bars from data attributes (inline styles are blocked by the CSP).
  document.querySelectorAll(".network-progress").forEach((bar) => {
    const value = Number(bar.dataset.value), max = Number(bar.dataset.max) || 1;
    bar.style.width = Math.min(100, (100 * value) / max) + "%";
  });
});
