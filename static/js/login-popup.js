/* Wirepress login popup: its first page goes on to the provider, its last page tells the
   article page (which opened it) to refresh the comment form, then closes. Opened on its
   own, the last page goes to the article instead. */
(function () {
  "use strict";

  var connect = document.querySelector("form[data-auto-submit]");
  if (connect) {
    connect.submit();
    return;
  }

  var done = document.getElementById("login-done");
  if (!done) return;
  var opener = null;
  try {
    // Same origin only: the opener is this site's article page, or nothing we talk to.
    if (window.opener && window.opener.location.origin === window.location.origin) {
      opener = window.opener;
    }
  } catch (error) {
    opener = null;
  }
  if (opener) {
    opener.postMessage({ type: "wirepress:login" }, window.location.origin);
    window.close();
  } else {
    window.location.replace(done.dataset.articleUrl);
  }
})();
