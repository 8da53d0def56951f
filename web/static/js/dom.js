// Small DOM helpers. Every text goes in through textContent or attributes, never innerHTML,
// so values from the server cannot inject markup.

// h creates an element. attrs: "class", "for", "text", on<event> handlers, boolean
// attributes (true adds, false or null omits), anything else as an attribute. Children are
// nodes, strings, or (nested) arrays of them; null and false are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'value' || k === 'checked') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

let nextID = 0;

// uid returns a document-unique id with the given prefix.
export function uid(prefix = 'id') {
  nextID += 1;
  return `${prefix}-${nextID}`;
}

// announce puts a short message in the polite live region, for screen readers and eyes.
export function announce(message, kind = 'info') {
  const toast = document.getElementById('toast');
  toast.textContent = '';
  toast.dataset.kind = kind;
  // A fresh text node makes assistive technology read the message even when it repeats.
  requestAnimationFrame(() => { toast.textContent = message; });
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => { toast.textContent = ''; }, 6000);
}

// confirmDialog asks a yes/no question in a modal dialog and resolves to true when the
// person confirms. Escape and Cancel answer no; focus starts on Cancel, the safe choice.
export function confirmDialog({ title, message, confirm = 'Delete' }) {
  const dialog = document.getElementById('confirm');
  dialog.querySelector('h2').textContent = title;
  dialog.querySelector('p').textContent = message;
  const ok = dialog.querySelector('[value=confirm]');
  ok.textContent = confirm;

  return new Promise((resolve) => {
    dialog.returnValue = '';
    const onClose = () => {
      // The close event is queued, so one from an earlier opening that closed just before
      // this one can still arrive: it finds the dialog open again and is not this answer.
      if (dialog.open) return;
      dialog.removeEventListener('close', onClose);
      resolve(dialog.returnValue === 'confirm');
    };
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    dialog.querySelector('[value=cancel]').focus();
  });
}

// heading renders the page's h1 and moves focus to it, so that keyboard and screen reader
// users start at the top of the new page.
export function pageHeading(text) {
  const el = h('h1', { tabindex: '-1', text });
  queueMicrotask(() => el.focus({ preventScroll: true }));
  return el;
}

// formatTime writes an RFC 3339 timestamp in the browser's locale.
export function formatTime(s) {
  if (!s) return '';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString();
}
