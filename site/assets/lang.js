// Applies the reader's language before the page is drawn, so that labels
// never flash in another language. The choice is kept in localStorage (by
// language code), so it holds across pages and visits.
(function () {
  var html = document.documentElement;
  var codes = (html.getAttribute('data-langs') || '').split(' ');
  try {
    var chosen = window.localStorage.getItem('kozo-lang');
    var index = codes.indexOf(chosen);
    if (chosen && index >= 0) {
      html.setAttribute('data-lang', String(index));
      html.setAttribute('lang', chosen === 'default' ? 'und' : chosen);
    }
  } catch (e) {
    // Storage can be disabled; the page's default language stays.
  }
})();
