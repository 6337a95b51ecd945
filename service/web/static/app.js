// Assay web UI: CSRF header for htmx requests, confirmations, small conveniences.
"use strict";

function csrfToken() {
  return document.body.dataset.csrf || "";
}

document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRF-Token"] = csrfToken();
});

// Forms that ask first: <form data-confirm="Delete X?">
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

document.addEventListener("click", (event) => {
  const back = event.target instanceof Element ? event.target.closest("[data-back]") : null;
  if (back && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

// Clear an old error message once a later htmx request succeeds.
document.addEventListener("htmx:afterRequest", (event) => {
  const flash = document.getElementById("flash");
  if (flash && event.detail.successful && event.detail.target !== flash) {
    flash.textContent = "";
  }
});
