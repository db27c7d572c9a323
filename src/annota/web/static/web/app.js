// Page glue: every htmx request carries the CSRF token from <meta name="csrf-token">.
// No inline scripts anywhere (the CSP forbids them); page behaviour lives in static files.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRF-Token"] = csrfToken();
});

// A failed htmx request shows the server's message in place instead of doing nothing.
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  const xhr = event.detail.xhr;
  if (target && xhr && xhr.status >= 400 && xhr.status < 500 && xhr.responseText) {
    const box = document.createElement("p");
    box.className = "error";
    box.setAttribute("role", "alert");
    box.textContent = `Error ${xhr.status}`;
    target.replaceChildren(box);
  }
});
