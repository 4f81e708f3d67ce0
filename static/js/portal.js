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

// Live word counts under the review's sections.
const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
const WORDS = new RegExp(`[${CJK}]|[^\\s${CJK}]+`, "g");
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-word-limit]").forEach((area) => {
    const out = document.getElementById("wc-" + area.name);
    if (!out) return;
    const limit = Number(area.dataset.wordLimit);
    const template = out.dataset.template || out.textContent;
    const update = () => {
      // As reviews/sections.py counts: a Chinese or Japanese character is a word of its own.
      const words = (area.value.match(WORDS) || []).length;
      out.textContent = words + " / " + limit + " — " + template;
      out.classList.toggle("text-danger", words > limit);
    };
    out.dataset.template = template;
    area.addEventListener("input", update);
    update();
  });
});

// After a refused form, take the user to the first field in error: its label and its message
// (tied to it by aria-describedby) are read out, and the typed values are all still there.
document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector('main [aria-invalid="true"]');
  if (invalid && !document.querySelector("main [autofocus]")) invalid.focus();
});

// The editor warns before the page is left with typed text that is not saved yet: changes
// since the last successful save (autosave or "Save now"), or a comment not yet sent.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("review-form");
  if (!form) return;
  let unsaved = false;
  let leaving = false;
  form.addEventListener("input", () => { unsaved = true; });
  // Only a save that the server confirmed clears the mark; a refused one keeps it.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "save-status"
        && document.querySelector("#save-status [data-saved]")) {
      unsaved = false;
    }
  });
  // Leaving through one of the page's forms (Save, a comment, an upload) is intended; a
  // submission htmx sends in the background ("Save now") does not leave the page.
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) leaving = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (unsaved && !leaving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
