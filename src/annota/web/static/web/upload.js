// Upload an import file by XHR so the page can show a progress bar; the server answers
// with an HTML fragment (rendered and escaped server-side) that replaces #import-result.
"use strict";

(() => {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const result = document.getElementById("import-result");
  const button = form.querySelector("button[type=submit]");

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", form.elements.csrf_token.value);
    xhr.setRequestHeader("X-Upload", "xhr");
    bar.classList.remove("hidden");
    bar.value = 0;
    button.disabled = true;
    status.textContent = "uploading…";
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    xhr.upload.addEventListener("load", () => {
      bar.value = 100;
      status.textContent = "importing…";
    });
    xhr.addEventListener("load", () => {
      button.disabled = false;
      status.textContent = xhr.status < 400 ? "done" : `failed (${xhr.status})`;
      const type = xhr.getResponseHeader("content-type") || "";
      if (type.startsWith("text/html")) {
        const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        result.replaceChildren(...doc.body.childNodes);
      } else {
        result.textContent = `The server answered ${xhr.status}.`;
      }
    });
    xhr.addEventListener("error", () => {
      button.disabled = false;
      status.textContent = "the upload failed; check the connection and try again";
    });
    xhr.send(new FormData(form));
  });
})();
