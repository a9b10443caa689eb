// `kozo site --serve`: polls the build number the server keeps and reloads
// the page when a new build of the site is served.
(function () {
  var root = document.documentElement.getAttribute('data-root') || '';
  var seen = null;
  function poll() {
    fetch(root + 'kozo-build.txt', { cache: 'no-store' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (build) {
        if (build === null) return;
        if (seen === null) seen = build;
        else if (build !== seen) window.location.reload();
      })
      .catch(function () { /* the server stopped; try again later */ })
      .finally(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();
