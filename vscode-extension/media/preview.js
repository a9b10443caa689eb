// The kozo diagram preview. Receives SVG text from the extension, parses it
// as image/svg+xml (never as HTML), keeps only drawing elements and
// attributes (no scripts, foreignObject, event handlers or outside links),
// and shows it with zoom and pan. A click on an element or relationship
// posts `{ type: 'reveal', path, source, what }` to the extension.
// @ts-check
(function () {
  'use strict';
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const XLINK_NS = 'http://www.w3.org/1999/xlink';

  /** Elements kept; anything else is removed with its content. */
  const ALLOWED_ELEMENTS = new Set([
    'svg', 'g', 'title', 'desc', 'defs', 'path', 'polygon', 'polyline', 'line', 'rect',
    'circle', 'ellipse', 'text', 'tspan', 'marker', 'lineargradient', 'radialgradient',
    'stop', 'clippath', 'mask', 'symbol', 'use', 'pattern',
  ]);

  /**
   * Removes from `root` (in place) every element outside the allowlist or
   * outside the SVG namespace, every event-handler attribute, `style`
   * attributes, and every link that is not a same-document fragment.
   * @param {Element} root
   */
  function sanitize(root) {
    const stack = [root];
    while (stack.length > 0) {
      const el = /** @type {Element} */ (stack.pop());
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        const local = attr.localName.toLowerCase();
        const isLink = local === 'href' || name === 'xlink:href' || attr.namespaceURI === XLINK_NS;
        if (
          name.startsWith('on') ||
          name === 'style' ||
          (isLink && !attr.value.trim().startsWith('#'))
        ) {
          el.removeAttributeNode(attr);
        }
      }
      for (const child of Array.from(el.children)) {
        if (child.namespaceURI !== SVG_NS || !ALLOWED_ELEMENTS.has(child.localName.toLowerCase())) {
          child.remove();
        } else {
          stack.push(child);
        }
      }
    }
    // Comments and processing instructions carry nothing to show.
    const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_COMMENT | NodeFilter.SHOW_PROCESSING_INSTRUCTION);
    const drop = [];
    while (walker.nextNode()) drop.push(walker.currentNode);
    for (const n of drop) n.parentNode && n.parentNode.removeChild(n);
  }

  /**
   * The SVG element for `text`, sanitised and imported into this document;
   * null when `text` is not a well-formed SVG document.
   * @param {string} text
   * @returns {SVGSVGElement | null}
   */
  function parseSvg(text) {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    if (!root || root.namespaceURI !== SVG_NS || root.localName !== 'svg' ||
        doc.getElementsByTagNameNS('*', 'parsererror').length > 0) {
      return null;
    }
    sanitize(root);
    return /** @type {SVGSVGElement} */ (document.importNode(root, true));
  }

  const stage = /** @type {HTMLElement} */ (document.getElementById('stage'));
  const canvas = /** @type {HTMLElement} */ (document.getElementById('canvas'));
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));
  const viewName = /** @type {HTMLElement} */ (document.getElementById('view-name'));

  let scale = 1;
  let tx = 0;
  let ty = 0;
  /** @type {string | null} */
  let currentView = null;

  function apply() {
    canvas.style.transform = `translate(${tx}px, ${ty}px) scale(${scale})`;
  }

  /** @param {number} factor @param {number} cx @param {number} cy */
  function zoomAt(factor, cx, cy) {
    const next = Math.min(8, Math.max(0.05, scale * factor));
    const f = next / scale;
    tx = cx - (cx - tx) * f;
    ty = cy - (cy - ty) * f;
    scale = next;
    apply();
  }

  function svgSize() {
    const svg = canvas.querySelector('svg');
    if (!svg) return null;
    const box = svg.getBoundingClientRect();
    return { width: box.width / scale, height: box.height / scale };
  }

  /**
   * The smallest scale "Fit" uses: below it the diagram's labels (10–14 px
   * at scale 1) become unreadable. A diagram that would need less is fitted
   * to the width instead, and the reader scrolls (wheel or drag) to see the
   * rest; the zoom buttons still go below it on request.
   */
  const MIN_FIT_SCALE = 0.6;

  /**
   * Scale and offset that fit a diagram of `width` x `height` into a stage
   * of `stageWidth` x `stageHeight`, never below MIN_FIT_SCALE.
   * @param {number} width @param {number} height
   * @param {number} stageWidth @param {number} stageHeight
   */
  function fitTransform(width, height, stageWidth, stageHeight) {
    const margin = 8;
    const byWidth = (stageWidth - 2 * margin) / width;
    const byHeight = (stageHeight - 2 * margin) / height;
    let s = Math.min(1, byWidth, byHeight);
    if (!(s >= MIN_FIT_SCALE)) {
      s = Math.max(MIN_FIT_SCALE, Math.min(1, byWidth));
    }
    if (!(s > 0)) s = 1;
    const x = width * s <= stageWidth - 2 * margin ? (stageWidth - width * s) / 2 : margin;
    const y = height * s <= stageHeight - 2 * margin ? (stageHeight - height * s) / 2 : margin;
    return { scale: s, x, y };
  }

  function fit() {
    const size = svgSize();
    if (!size || size.width === 0 || size.height === 0) return;
    const t = fitTransform(size.width, size.height, stage.clientWidth, stage.clientHeight);
    scale = t.scale;
    tx = t.x;
    ty = t.y;
    apply();
  }

  function center() {
    return { x: stage.clientWidth / 2, y: stage.clientHeight / 2 };
  }

  /** @param {string} id @param {() => void} fn */
  function onClick(id, fn) {
    const el = document.getElementById(id);
    if (el) el.addEventListener('click', fn);
  }
  onClick('zoom-in', () => zoomAt(1.25, center().x, center().y));
  onClick('zoom-out', () => zoomAt(0.8, center().x, center().y));
  onClick('zoom-fit', fit);
  onClick('zoom-reset', () => { scale = 1; tx = 8; ty = 8; apply(); });

  stage.addEventListener('wheel', (e) => {
    e.preventDefault();
    const rect = stage.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) {
      zoomAt(Math.exp(-e.deltaY * 0.01), e.clientX - rect.left, e.clientY - rect.top);
    } else {
      tx -= e.deltaX;
      ty -= e.deltaY;
      apply();
    }
  }, { passive: false });

  let dragging = false;
  let moved = false;
  let lastX = 0;
  let lastY = 0;
  stage.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    dragging = true;
    moved = false;
    lastX = e.clientX;
    lastY = e.clientY;
  });
  window.addEventListener('pointermove', (e) => {
    if (!dragging) return;
    const dx = e.clientX - lastX;
    const dy = e.clientY - lastY;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    moved = true;
    stage.classList.add('panning');
    tx += dx;
    ty += dy;
    lastX = e.clientX;
    lastY = e.clientY;
    apply();
  });
  window.addEventListener('pointerup', () => {
    dragging = false;
    stage.classList.remove('panning');
  });

  canvas.addEventListener('click', (e) => {
    if (moved) { moved = false; return; }
    const target = /** @type {Element | null} */ (e.target instanceof Element ? e.target : null);
    const shape = target && target.closest('g.kozo-element, g.kozo-relationship');
    if (!shape) return;
    const path = shape.getAttribute('data-kozo-path');
    if (!path) return;
    /** @type {{ type: 'reveal', path: string, what: string, source?: string }} */
    const message = {
      type: 'reveal',
      path,
      what: shape.classList.contains('kozo-element') ? 'element' : 'relationship',
    };
    const source = shape.getAttribute('data-kozo-source');
    if (source) message.source = source;
    vscode.postMessage(message);
  });

  /** @param {string} viewId @param {string} uri @param {string} text */
  function show(viewId, uri, text) {
    const svg = parseSvg(text);
    if (!svg) {
      status.textContent = 'The server sent a diagram that is not valid SVG.';
      return;
    }
    const sameView = viewId === currentView;
    const before = sameView ? svgSize() : null;
    canvas.replaceChildren(svg);
    viewName.textContent = viewId;
    status.textContent = '';
    currentView = viewId;
    // What VS Code gives back to the extension to restore the preview
    // after a reload.
    vscode.setState({ viewId, uri });
    // Keep the reader's zoom and pan while the diagram keeps its size; when
    // an edit changes its size, fit it again rather than leave it off-centre.
    const after = svgSize();
    const resized =
      !before || !after ||
      Math.abs(before.width - after.width) > 1 || Math.abs(before.height - after.height) > 1;
    if (sameView && !resized) apply(); else fit();
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'svg' && typeof m.svg === 'string' && typeof m.viewId === 'string') {
      show(m.viewId, typeof m.uri === 'string' ? m.uri : '', m.svg);
    } else if (m.type === 'error' && typeof m.message === 'string') {
      status.textContent = m.message;
    }
  });

  vscode.postMessage({ type: 'ready' });
})();
