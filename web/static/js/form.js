// Form building blocks shared by every editor: labelled controls bound to a field path, the
// server's field errors shown beside the fields they name, and the diff of an edit.

import { h, uid } from './dom.js';

// field renders one labelled control for def at path (like "e164.country") and returns
// { row, get, set }. get returns the JSON value to send; set shows a value read from the
// server.
export function field(def, path) {
  const id = uid('f');
  const errID = `${id}-error`;
  const hintID = def.hint ? `${id}-hint` : null;
  const described = [hintID, errID].filter(Boolean).join(' ');
  const input = makeInput(def, id, path, described);

  const label = h('label', { for: id }, def.label,
    def.required ? h('span', { class: 'req', 'aria-hidden': 'true', text: ' *' }) : null);
  const parts = def.type === 'bool'
    ? [h('span', { class: 'check' }, input, label)]
    : [label, h('span', { class: 'control' }, input,
      def.unit ? h('span', { class: 'unit', text: def.unit }) : null)];

  const row = h('div', { class: `field field-${def.type}` }, parts,
    hintID ? h('p', { class: 'hint', id: hintID, text: def.hint }) : null,
    h('p', { class: 'error', id: errID, 'data-error-for': path, hidden: true }));
  return { row, input, get: () => readInput(def, input), set: (v) => writeInput(def, input, v) };
}

function makeInput(def, id, path, described) {
  const common = { id, name: path, 'data-path': path, 'aria-describedby': described };
  switch (def.type) {
    case 'bool':
      return h('input', { ...common, type: 'checkbox' });
    case 'enum':
      return h('select', common, def.values.map((v) => h('option', { value: v, text: v })));
    case 'json':
      return h('textarea', { ...common, rows: 4, spellcheck: 'false' });
    case 'int':
      return h('input', { ...common, type: 'number', inputmode: 'numeric', step: 1,
        min: def.min, max: def.max, class: 'num' });
    default:
      return h('input', { ...common, type: def.type === 'secret' ? 'password' : 'text',
        autocomplete: def.type === 'secret' ? 'new-password' : 'off',
        spellcheck: 'false', maxlength: def.maxlength, list: def.list,
        inputmode: def.inputmode, placeholder: def.placeholder,
        'aria-required': def.required ? 'true' : null });
  }
}

// readInput turns the control's state into the JSON value to send. Numbers that do not
// parse are sent as typed, so the server names the field instead of the form guessing.
function readInput(def, input) {
  const raw = input.value;
  switch (def.type) {
    case 'bool':
      return input.checked;
    case 'int':
      if (raw.trim() === '') return input.validity.badInput ? 'not a number' : null;
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    case 'enum':
    case 'quota':
      return raw.trim();
    default:
      if (def.optional && raw === '') return null;
      return def.type === 'json' || def.type === 'secret' ? raw : raw.trim();
  }
}

function writeInput(def, input, v) {
  if (def.type === 'bool') input.checked = Boolean(v);
  else input.value = v === null || v === undefined ? '' : String(v);
}

// getPath and setPath read and write a value at a dotted path inside an object.
export function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

export function setPath(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = value;
}

// stable writes a value as JSON with object keys sorted and null read as "", so that two
// values compare equal exactly when the server would store the same thing.
function stable(v) {
  if (v === null || v === undefined) return '""';
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${k}:${stable(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// changes returns the members of current that differ from original, for a partial update.
// Nested objects are compared one level deep, as the server merges them; arrays are whole.
export function changes(original, current) {
  const out = {};
  for (const [k, v] of Object.entries(current)) {
    const was = original[k];
    if (isObject(v) && isObject(was)) {
      const sub = {};
      for (const [kk, vv] of Object.entries(v)) {
        if (stable(was[kk]) !== stable(vv)) sub[kk] = vv;
      }
      if (Object.keys(sub).length) out[k] = sub;
    } else if (stable(was) !== stable(v)) {
      out[k] = v;
    }
  }
  return out;
}

// parentPath drops the last member or index of a field path: "a.b[0].c" → "a.b[0]" → "a.b".
function parentPath(p) {
  const up = p.replace(/(\[\d+\]|\.[^.[\]]+)$/, '');
  return up === p ? '' : up;
}

function byData(root, attr, value) {
  return [...root.querySelectorAll(`[${attr}]`)].find((el) => el.getAttribute(attr) === value);
}

// clearErrors removes every error shown in form and its summary.
export function clearErrors(form, summary) {
  for (const el of form.querySelectorAll('[data-error-for]')) {
    el.textContent = '';
    el.hidden = true;
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  summary.replaceChildren();
  summary.hidden = true;
}

// showErrors shows an APIError in form: each detail item beside the field it names (or the
// nearest enclosing field a nested path belongs to) and every item in the summary at the
// top, which takes focus so that the person hears what went wrong. Items that match no field
// appear only in the summary.
export function showErrors(form, summary, err) {
  clearErrors(form, summary);

  const items = [];
  for (const d of err.detail) {
    const target = findTarget(form, d.field);
    if (!target) {
      items.push(h('li', {}, h('code', { text: d.field }), `: ${d.reason}`));
      continue;
    }
    const rest = d.field.slice(target.path.length).replace(/^\./, '');
    target.slot.append(h('span', { text: rest ? `${rest}: ${d.reason}` : d.reason }));
    target.slot.hidden = false;
    target.input?.setAttribute('aria-invalid', 'true');
    items.push(h('li', {}, h('button', {
      type: 'button', class: 'link',
      onclick: () => (target.input || target.slot).focus(),
    }, target.label || d.field), `: ${d.reason}`));
  }

  const title = err.detail.length
    ? 'Please correct the highlighted fields.' : err.message;
  summary.append(h('h2', { text: title }), err.detail.length ? h('p', { text: err.message }) : null,
    items.length ? h('ul', {}, items) : null);
  summary.hidden = false;
  summary.focus();
}

function findTarget(form, fieldPath) {
  for (let p = fieldPath; p; p = parentPath(p)) {
    const slot = byData(form, 'data-error-for', p);
    if (!slot) continue;
    const input = byData(form, 'data-path', p) ||
      slot.closest('.range, .field, .row, fieldset')?.querySelector('input, select, textarea');
    const label = input?.id ? form.querySelector(`label[for="${input.id}"]`)?.textContent : '';
    const legend = slot.closest('fieldset')?.querySelector('legend')?.textContent;
    const name = label ? label.replace(/\s*\*$/, '') : fieldPath;
    return { path: p, slot, input, label: legend && label ? `${legend}: ${name}` : name };
  }
  return null;
}
