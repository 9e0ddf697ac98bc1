// Keyboard shortcuts of the comment moderation desk, as in WordPress: j/k move to the
// next/previous comment, a approves, s marks spam, d trashes, r opens the reply form.
// Each key clicks the row's own button or link, so the page works the same without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const rows = Array.from(document.querySelectorAll("#result_list tbody tr"));
  if (!rows.length || !document.getElementById("comment-desk")) return;
  // After an action the page reloads: stay on the same row, as WordPress does.
  const storageKey = "comment-desk-row";
  let current = Math.min(Number(sessionStorage.getItem(storageKey)) || 0, rows.length - 1);
  sessionStorage.removeItem(storageKey);

  function select(index) {
    rows[current].classList.remove("desk-current");
    rows[current].removeAttribute("aria-current");
    current = Math.max(0, Math.min(index, rows.length - 1));
    rows[current].classList.add("desk-current");
    rows[current].setAttribute("aria-current", "true");
    rows[current].scrollIntoView({ block: "nearest" });
  }
  select(current);

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      select(current + (event.key === "j" ? 1 : -1));
      return;
    }
    const target = rows[current].querySelector(`[data-desk-key="${event.key}"]`);
    if (!target) return;
    event.preventDefault();
    sessionStorage.setItem(storageKey, String(current));
    target.click();
  });
});
