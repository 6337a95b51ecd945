// Review table keys: j / k move to the next / previous requirement, Enter opens it,
// a accepts its proposal and moves on to the next one.
"use strict";

(function () {
  const table = document.getElementById("review-table");
  if (!table) return;
  let current = -1;

  function rows() {
    return Array.from(table.querySelectorAll("tbody tr"));
  }

  function select(index) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, n) => row.classList.toggle("current", n === current));
    all[current].focus({ preventScroll: true });
    all[current].scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const all = rows();
    if (event.key === "j") { select(current + 1); event.preventDefault(); }
    else if (event.key === "k") { select(current < 0 ? 0 : current - 1); event.preventDefault(); }
    else if (event.key === "Enter" && current >= 0 && event.target === all[current]) {
      all[current].querySelector("a.ref").click();
      event.preventDefault();
    } else if (event.key === "a" && current >= 0) {
      const button = all[current].querySelector("button.accept");
      if (button) { button.click(); event.preventDefault(); }
      else select(current + 1);
    }
  });

  table.addEventListener("click", (event) => {
    const row = event.target instanceof Element ? event.target.closest("tbody tr") : null;
    if (row) { current = rows().indexOf(row); rows().forEach((r) => r.classList.toggle("current", r === row)); }
  });

  // After a row is replaced by its reviewed version, go on to the next one.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target instanceof HTMLTableRowElement || (event.detail.elt && event.detail.elt.closest && table.contains(event.detail.elt))) {
      select(current + 1);
    }
  });
})();
