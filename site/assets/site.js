// The review site's behaviour: the language switch, search as you type,
// diagram links (click or Enter), zoom and pan, and the decision filter.
// Plain DOM code, no framework; every model text is set as text, never as HTML.
(function () {
  'use strict';
  var html = document.documentElement;
  var root = html.getAttribute('data-root') || '';
  var codes = (html.getAttribute('data-langs') || '').split(' ');

  // Language switch.
  function setLanguage(index) {
    html.setAttribute('data-lang', String(index));
    html.setAttribute('lang', codes[index] === 'default' ? 'und' : codes[index] || 'en');
    try { window.localStorage.setItem('kozo-lang', codes[index]); } catch (e) { /* storage disabled */ }
    document.querySelectorAll('[data-set-lang]').forEach(function (b) {
      b.setAttribute('aria-pressed', b.getAttribute('data-set-lang') === String(index) ? 'true' : 'false');
    });
  }
  document.querySelectorAll('[data-set-lang]').forEach(function (button) {
    button.addEventListener('click', function () {
      setLanguage(Number(button.getAttribute('data-set-lang')));
    });
  });
  setLanguage(Number(html.getAttribute('data-lang') || '0'));

  // Diagram shapes are links: click, or focus with Tab and press Enter.
  document.querySelectorAll('svg [data-href]').forEach(function (shape) {
    shape.setAttribute('tabindex', '0');
    shape.setAttribute('role', 'link');
    var title = shape.querySelector('title');
    if (title) shape.setAttribute('aria-label', title.textContent.split('\n')[0]);
    var go = function () { window.location.href = shape.getAttribute('data-href'); };
    shape.addEventListener('click', function (event) {
      if (shape.parentNode && shape.parentNode.closest && shape.parentNode.closest('[data-dragged="true"]')) return;
      event.stopPropagation();
      go();
    });
    shape.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') { event.preventDefault(); go(); }
    });
  });

  // Zoom and pan: buttons and the wheel zoom, dragging pans (the viewport scrolls).
  var scale = 1;
  function applyZoom() {
    document.querySelectorAll('.viewport > svg').forEach(function (svg) {
      if (!svg.hasAttribute('data-width')) {
        svg.setAttribute('data-width', svg.getAttribute('width') || '800');
        svg.setAttribute('data-height', svg.getAttribute('height') || '600');
      }
      svg.setAttribute('width', String(parseFloat(svg.getAttribute('data-width')) * scale));
      svg.setAttribute('height', String(parseFloat(svg.getAttribute('data-height')) * scale));
    });
  }
  document.querySelectorAll('[data-zoom]').forEach(function (button) {
    button.addEventListener('click', function () {
      var how = button.getAttribute('data-zoom');
      scale = how === 'in' ? Math.min(scale * 1.25, 8) : how === 'out' ? Math.max(scale / 1.25, 0.1) : 1;
      applyZoom();
    });
  });
  document.querySelectorAll('.viewport').forEach(function (viewport) {
    var start = null;
    viewport.addEventListener('wheel', function (event) {
      if (!event.ctrlKey) return;
      event.preventDefault();
      scale = event.deltaY < 0 ? Math.min(scale * 1.1, 8) : Math.max(scale / 1.1, 0.1);
      applyZoom();
    }, { passive: false });
    viewport.addEventListener('pointerdown', function (event) {
      start = { x: event.clientX, y: event.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
      viewport.removeAttribute('data-dragged');
    });
    viewport.addEventListener('pointermove', function (event) {
      if (!start || !(event.buttons & 1)) return;
      var dx = event.clientX - start.x;
      var dy = event.clientY - start.y;
      if (Math.abs(dx) + Math.abs(dy) > 4) viewport.setAttribute('data-dragged', 'true');
      viewport.scrollLeft = start.left - dx;
      viewport.scrollTop = start.top - dy;
    });
    window.addEventListener('pointerup', function () {
      start = null;
      window.setTimeout(function () { viewport.removeAttribute('data-dragged'); }, 0);
    });
  });

  // Decision filter by status.
  var filters = document.querySelectorAll('[data-filter-status]');
  function applyFilter() {
    var shown = {};
    filters.forEach(function (box) { shown[box.getAttribute('data-filter-status')] = box.checked; });
    document.querySelectorAll('.decision[data-status]').forEach(function (d) {
      d.hidden = !shown[d.getAttribute('data-status')];
    });
  }
  filters.forEach(function (box) { box.addEventListener('change', applyFilter); });

  // Search as you type, over the index loaded on first use.
  var input = document.getElementById('kozo-search');
  var results = document.getElementById('kozo-results');
  var status = document.getElementById('kozo-search-status');
  var loading = false;
  // Loads the index once; whatever was typed meanwhile is searched when it arrives.
  function loadIndex() {
    if (window.KOZO_SEARCH || loading) return;
    loading = true;
    var script = document.createElement('script');
    script.src = root + 'search-index.js';
    script.onload = function () { loading = false; search(); };
    document.head.appendChild(script);
  }
  function score(entry, q) {
    var id = entry.id.toLowerCase();
    if (id === q) return 0;
    var labels = entry.l.map(function (l) { return l.toLowerCase(); });
    if (labels.some(function (l) { return l === q; })) return 1;
    if (id.indexOf(q) === 0 || labels.some(function (l) { return l.indexOf(q) === 0; })) return 2;
    if (id.indexOf(q) >= 0 || labels.some(function (l) { return l.indexOf(q) >= 0; })) return 3;
    if (entry.k.toLowerCase().indexOf(q) >= 0) return 4;
    if (entry.d.toLowerCase().indexOf(q) >= 0) return 5;
    return -1;
  }
  function labelFor(entry) {
    var index = Number(html.getAttribute('data-lang') || '0');
    return entry.l[index] || entry.l[0];
  }
  function search() {
    var q = input.value.trim().toLowerCase();
    results.textContent = '';
    if (!q) { results.hidden = true; status.textContent = ''; return; }
    var found = [];
    (window.KOZO_SEARCH || []).forEach(function (entry) {
      var s = score(entry, q);
      if (s >= 0) found.push({ s: s, e: entry });
    });
    found.sort(function (a, b) { return a.s - b.s || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0); });
    found.slice(0, 30).forEach(function (hit) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = root + hit.e.u;
      a.textContent = labelFor(hit.e);
      var meta = document.createElement('span');
      meta.className = 'kind';
      meta.textContent = ' ' + hit.e.t + ' · ' + hit.e.id + (hit.e.t === 'element' ? ' · ' + hit.e.k : '');
      li.appendChild(a);
      li.appendChild(meta);
      results.appendChild(li);
    });
    results.hidden = found.length === 0;
    status.textContent = found.length + ' result' + (found.length === 1 ? '' : 's');
  }
  if (input) {
    input.addEventListener('focus', loadIndex);
    input.addEventListener('input', function () {
      if (window.KOZO_SEARCH) search(); else loadIndex();
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') { input.value = ''; search(); }
      if (event.key === 'Enter') {
        var first = results.querySelector('a');
        if (first) window.location.href = first.href;
      }
    });
  }
})();
