// Progressive enhancement for readers; every feature works without this file.
// - "Like" posts in the background and swaps the likes block in place.
// - "Copy link" copies the article's address instead of following it.
"use strict";

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-like-form]");
  if (!form) return;
  event.preventDefault();
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
  } catch (error) {
    response = null;
  }
  if (!response || !response.ok) {
    form.submit(); // the plain POST shows whatever went wrong
    return;
  }
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  const fresh = template.content.firstElementChild;
  form.closest("[data-likes]").replaceWith(fresh);
  // Keep keyboard focus where it was.
  fresh.querySelector(".like-button")?.focus();
});

document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-copy-link]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  const status = link.closest(".share")?.querySelector("[data-copy-status]");
  try {
    await navigator.clipboard.writeText(link.href);
    if (status) status.textContent = "Link copied.";
  } catch (error) {
    window.location.href = link.href;
  }
});
