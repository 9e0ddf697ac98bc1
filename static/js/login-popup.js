/* Wirepress login popup: its first page goes on to the provider, its last page tells the
   article page (which opened it) to refresh the comment form, then closes. Opened on its
   own, the last page goes to the article instead. */
(function () {
  "use strict";

  // Same origin only: the opener is this site's article page, or nothing we talk to.
  var opener = null;
  try {
    if (window.opener && window.opener.location.origin === window.location.origin) {
      opener = window.opener;
    }
  } catch (error) {
    opener = null;
  }

  var connect = document.querySelector("form[data-auto-submit]");
  if (connect) {
    // Opened by the article's icon: go on at once. Opened any other way, the reader
    // clicks "Continue" (allauth wants a login started by the reader, not by a page).
    if (opener) connect.submit();
    return;
  }

  var done = document.getElementById("login-done");
  if (!done) return;
  if (opener) {
    opener.postMessage({ type: "wirepress:login" }, window.location.origin);
    window.close();
  } else {
    window.location.replace(done.dataset.articleUrl);
  }
})();
