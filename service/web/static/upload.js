// Uploads: drag and drop or choose several files; each is sent on its own request, so each
// has its own progress bar and its own result or error, in plain words.
"use strict";

(function () {
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("files");
  const list = document.getElementById("uploads");
  if (!zone || !input || !list) return;
  const queue = [];
  let busy = false;

  function item(file) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    const status = document.createElement("span");
    status.className = "status";
    status.textContent = "waiting";
    li.append(name, bar, status);
    list.append(li);
    return { li, bar, status };
  }

  function finish(view, ok, text) {
    view.bar.value = 100;
    view.status.textContent = text;
    view.li.classList.add(ok ? "done" : "failed");
  }

  function describe(result) {
    if (result.status === "indexed") return "indexed: " + result.chunks + " passages";
    if (result.status === "unchanged") return "already indexed, unchanged";
    return "rejected: " + (result.error || "the file could not be read");
  }

  function send(entry) {
    return new Promise((resolve) => {
      const { file, view } = entry;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", zone.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRF-Token", document.body.dataset.csrf || "");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) view.bar.value = Math.round((e.loaded / e.total) * 100);
        view.status.textContent = "uploading";
      };
      xhr.upload.onload = () => { view.status.textContent = "reading and indexing"; };
      xhr.onload = () => {
        let result = {};
        try { result = JSON.parse(xhr.responseText); } catch (err) { result = {}; }
        if (xhr.status === 200) finish(view, true, describe(result));
        else finish(view, false, result.error ? (result.status === "rejected" ? describe(result) : result.error)
                                              : "the server could not take this file (" + xhr.status + ")");
        resolve();
      };
      xhr.onerror = () => { finish(view, false, "the connection to the server failed"); resolve(); };
      const body = new FormData();
      body.append("file", file, file.name);
      view.status.textContent = "uploading";
      xhr.send(body);
    });
  }

  async function drain() {
    if (busy) return;
    busy = true;
    while (queue.length) await send(queue.shift());
    busy = false;
    if (window.htmx) htmx.ajax("GET", zone.dataset.listUrl, { target: "#documents", swap: "outerHTML" });
  }

  function add(files) {
    for (const file of files) queue.push({ file, view: item(file) });
    drain();
  }

  input.addEventListener("change", () => { add(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (e) => {
    e.preventDefault();
    zone.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, (e) => {
    e.preventDefault();
    zone.classList.remove("over");
  }));
  zone.addEventListener("drop", (e) => add(e.dataTransfer.files));
})();
