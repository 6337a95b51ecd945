// Dashboard: the mean level per theme as a bar chart (Chart.js, vendored).
"use strict";

(function () {
  const canvas = document.getElementById("theme-chart");
  const source = document.getElementById("chart-data");
  if (!canvas || !source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const datasets = [
    { label: "Current (after review)", data: data.current, backgroundColor: "#2563eb" },
    { label: "Proposed", data: data.proposed, backgroundColor: "#93c5fd" },
  ];
  if (data.previous) datasets.push({ label: "Previous assessment", data: data.previous, backgroundColor: "#9ca3af" });
  canvas.parentElement.style.height = Math.max(220, 48 * data.labels.length + 80) + "px";
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { min: 0, max: data.max, ticks: { stepSize: 1 }, title: { display: true, text: "mean level" } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
  canvas.dataset.ready = "true";
})();
