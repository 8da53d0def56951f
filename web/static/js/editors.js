// Editors for the tenant's structured fields: office hours by day and the outbound caller
// IDs. Each returns { el, get, set } like a plain field, and marks every input and row with
// its field path so that nested server errors land beside the right input.

import { h, uid } from './dom.js';
import { weekdays } from './fields.js';

const title = (day) => day[0].toUpperCase() + day.slice(1);

function errorSlot(path) {
  return h('p', { class: 'error', 'data-error-for': path, hidden: true });
}

function textInput(path, label, value, size) {
  const id = uid('f');
  return [
    h('label', { for: id, class: 'sr-only', text: label }),
    h('input', { id, type: 'text', 'data-path': path, value: value ?? '', size,
      spellcheck: 'false', autocomplete: 'off' }),
  ];
}

// officeHours edits the seven days: whether each is a working day and its open periods.
export function officeHours() {
  const el = h('div', { class: 'hours' });
  let days = {};

  const read = () => {
    const out = {};
    for (const day of weekdays) {
      const row = el.querySelector(`[data-day=${day}]`);
      if (!row) continue;
      out[day] = {
        enabled: row.querySelector('input[type=checkbox]').checked,
        ranges: [...row.querySelectorAll('.range')].map((r) => ({
          from: r.querySelector('[data-part=from]').value.trim(),
          to: r.querySelector('[data-part=to]').value.trim(),
        })),
      };
    }
    return out;
  };

  const render = (focusDay, focusIndex) => {
    el.replaceChildren(...weekdays.map((day) => dayRow(day, days[day] || { ranges: [] })));
    if (focusDay) {
      const row = el.querySelector(`[data-day=${focusDay}]`);
      const ranges = row.querySelectorAll('.range [data-part=from]');
      (ranges[focusIndex] || row.querySelector('.add')).focus();
    }
  };

  const change = (day, fn) => {
    days = read();
    const index = fn(days[day].ranges);
    render(day, index);
  };

  const dayRow = (day, value) => {
    const base = `office_hours.${day}`;
    const checkID = uid('f');
    const ranges = value.ranges.map((r, i) => {
      const at = `${base}.ranges[${i}]`;
      const from = textInput(`${at}.from`, `${title(day)} period ${i + 1} from`, r.from, 5);
      const to = textInput(`${at}.to`, `${title(day)} period ${i + 1} to`, r.to, 5);
      from[1].dataset.part = 'from';
      to[1].dataset.part = 'to';
      return h('div', { class: 'range' }, from, h('span', { 'aria-hidden': 'true', text: '–' }),
        to, h('button', {
          type: 'button', class: 'icon', 'aria-label': `Remove ${title(day)} period ${i + 1}`,
          text: '×', onclick: () => change(day, (rs) => { rs.splice(i, 1); return i - 1; }),
        }), errorSlot(at));
    });

    return h('div', { class: 'row day', 'data-day': day },
      h('span', { class: 'check' },
        h('input', { type: 'checkbox', id: checkID, checked: value.enabled,
          'data-path': `${base}.enabled` }),
        h('label', { for: checkID, text: title(day) })),
      h('div', { class: 'ranges' }, ranges,
        h('button', { type: 'button', class: 'add secondary small',
          'aria-label': `Add a period on ${title(day)}`, text: '+ Period',
          onclick: () => change(day, (rs) => {
            const last = rs.at(-1);
            rs.push(last ? { from: last.to, to: '' } : { from: '09:00', to: '18:00' });
            return rs.length - 1;
          }) })),
      errorSlot(`${base}.enabled`), errorSlot(`${base}.ranges`), errorSlot(base));
  };

  return {
    el: h('div', {}, h('p', { class: 'hint', text: 'Times are HH:MM, 24-hour, in the ' +
      "tenant's time zone. A working day without periods is closed." }), el,
    errorSlot('office_hours')),
    get: read,
    set(v) {
      days = structuredClone(v || {});
      render();
    },
  };
}

// callerIDs edits the list of caller IDs the tenant presents per trunk provider.
export function callerIDs() {
  const list = h('div', { class: 'callerids' });
  let items = [];

  const read = () => [...list.querySelectorAll('.row')].map((r) => ({
    provider_id: r.querySelector('[data-part=provider]').value.trim(),
    caller_id: r.querySelector('[data-part=caller]').value.trim(),
  }));

  const render = (focusIndex) => {
    list.replaceChildren(...items.map((c, i) => {
      const at = `outbound_caller_ids[${i}]`;
      const provider = textInput(`${at}.provider_id`, `Caller ID ${i + 1} trunk provider ID`,
        c.provider_id, 20);
      const caller = textInput(`${at}.caller_id`, `Caller ID ${i + 1} number`, c.caller_id, 20);
      provider[1].dataset.part = 'provider';
      caller[1].dataset.part = 'caller';
      provider[1].placeholder = 'Provider ID';
      caller[1].placeholder = 'Caller ID';
      return h('div', { class: 'row' }, provider, caller, h('button', {
        type: 'button', class: 'icon', 'aria-label': `Remove caller ID ${i + 1}`, text: '×',
        onclick: () => { items = read(); items.splice(i, 1); render(Math.max(0, i - 1)); },
      }), errorSlot(at));
    }));
    if (focusIndex !== undefined) {
      (list.querySelectorAll('[data-part=provider]')[focusIndex] || add).focus();
    }
  };

  const add = h('button', { type: 'button', class: 'secondary small', text: '+ Caller ID',
    onclick: () => { items = read(); items.push({ provider_id: '', caller_id: '' });
      render(items.length - 1); } });

  return {
    el: h('div', {}, list, add, errorSlot('outbound_caller_ids')),
    get: read,
    set(v) {
      items = structuredClone(v || []);
      render();
    },
  };
}
