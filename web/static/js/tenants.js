// The tenant list: search, a free OData filter with quick filters, sortable columns, paging,
// and per-row enable/disable and delete.

import { APIError, query, request } from './api.js';
import { announce, formatTime, h, pageHeading } from './dom.js';
import { deleteTenant } from './tenant-form.js';

const columns = [
  { name: 'name', label: 'Name' },
  { name: 'domain', label: 'Domain' },
  { name: 'enabled', label: 'State' },
  { name: 'currency', label: 'Currency' },
  { name: 'region', label: 'Region' },
  { name: 'timezone', label: 'Time zone' },
  { name: 'max_extensions', label: 'Extensions', num: true },
  { name: 'max_concurrent_calls', label: 'Calls', num: true },
  { name: 'created_at', label: 'Created' },
];

// state survives navigation within the session, so returning from a tenant keeps the page.
const state = {
  search: '', filter: '', enabled: '', currency: '', sort: 'name', desc: false,
  skip: 0, top: 25,
};

// filterText joins the free filter and the quick filters with "and".
function filterText() {
  const parts = [];
  if (state.filter.trim()) parts.push(`(${state.filter.trim()})`);
  if (state.enabled) parts.push(`enabled eq ${state.enabled}`);
  if (state.currency.trim()) {
    parts.push(`currency eq '${state.currency.trim().toUpperCase().replaceAll("'", "''")}'`);
  }
  return parts.join(' and ');
}

export function renderTenantList(main) {
  const errorFor = (name) => h('p', { class: 'error', id: `${name}-error`, hidden: true,
    'data-error-for': name });

  const search = h('input', { type: 'search', id: 'search', value: state.search,
    placeholder: 'Name or domain', 'aria-describedby': 'search-error' });
  const filter = h('input', { type: 'text', id: 'filter', value: state.filter,
    placeholder: "max_extensions ge 100 and region eq 'CHE'", spellcheck: 'false',
    'aria-describedby': 'filter-hint filter-error' });
  const enabled = h('select', { id: 'quick-enabled' },
    h('option', { value: '', text: 'Any' }), h('option', { value: 'true', text: 'Enabled' }),
    h('option', { value: 'false', text: 'Disabled' }));
  enabled.value = state.enabled;
  const currency = h('input', { type: 'text', id: 'quick-currency', value: state.currency,
    size: 4, maxlength: 3, list: 'currencies', placeholder: 'EUR' });
  const pageSize = h('select', { id: 'page-size' },
    [10, 25, 50, 100].map((n) => h('option', { value: n, text: n })));
  pageSize.value = String(state.top);

  const tbody = h('tbody');
  const status = h('p', { class: 'count', id: 'count', 'aria-live': 'polite' });
  const listError = h('div', { class: 'summary', role: 'alert', hidden: true });
  const prev = h('button', { type: 'button', class: 'secondary', text: '← Previous' });
  const next = h('button', { type: 'button', class: 'secondary', text: 'Next →' });

  const headRow = h('tr', {}, columns.map((c) => {
    const th = h('th', { scope: 'col', class: c.num ? 'num' : null },
      h('button', { type: 'button', class: 'sort', 'data-sort': c.name, text: c.label,
        onclick: () => {
          state.desc = state.sort === c.name ? !state.desc : false;
          state.sort = c.name;
          state.skip = 0;
          load();
        } }));
    return th;
  }), h('th', { scope: 'col' }, h('span', { class: 'sr-only', text: 'Actions' })));

  const toolbar = h('form', { class: 'filters', role: 'search', 'aria-label': 'Tenants',
    onsubmit: (e) => {
      e.preventDefault();
      Object.assign(state, { search: search.value, filter: filter.value,
        enabled: enabled.value, currency: currency.value, skip: 0 });
      load();
    } },
  h('div', { class: 'field' }, h('label', { for: 'search', text: 'Search' }), search,
    errorFor('search')),
  h('div', { class: 'field grow' }, h('label', { for: 'filter', text: 'Filter' }), filter,
    h('p', { class: 'hint', id: 'filter-hint', text: 'OData: eq ne gt ge lt le, and, or, ' +
      'not, contains(name,\'x\'), startswith, endswith' }), errorFor('filter')),
  h('div', { class: 'field' }, h('label', { for: 'quick-enabled', text: 'State' }), enabled),
  h('div', { class: 'field' }, h('label', { for: 'quick-currency', text: 'Currency' }),
    currency),
  h('div', { class: 'field' }, h('span', { class: 'label-space', 'aria-hidden': 'true' }),
    h('button', { type: 'submit', class: 'primary', text: 'Apply' })));
  enabled.addEventListener('change', () => toolbar.requestSubmit());
  pageSize.addEventListener('change', () => {
    state.top = Number(pageSize.value);
    state.skip = 0;
    load();
  });
  prev.addEventListener('click', () => {
    state.skip = Math.max(0, state.skip - state.top);
    load();
  });
  next.addEventListener('click', () => { state.skip += state.top; load(); });

  main.replaceChildren(
    h('div', { class: 'page-head' }, pageHeading('Tenants'), h('span', { class: 'spacer' }),
      h('a', { href: '#/tenants/new', class: 'button primary', text: 'New tenant' })),
    toolbar, listError,
    h('div', { class: 'table-wrap' },
      h('table', { class: 'list', 'aria-describedby': 'count' },
        h('caption', { class: 'sr-only', text: 'Tenants' }), h('thead', {}, headRow), tbody)),
    h('div', { class: 'pager' }, status, h('span', { class: 'spacer' }),
      h('label', { for: 'page-size', text: 'Per page' }), pageSize, prev, next));

  // loads counts list requests, so that an answer that arrives after a newer request was
  // sent (a slow page overtaken by a quick search) is dropped instead of drawn.
  let loads = 0;

  async function load() {
    const mine = ++loads;
    for (const el of toolbar.querySelectorAll('.error')) { el.hidden = true; el.textContent = ''; }
    for (const el of toolbar.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    listError.hidden = true;
    for (const th of headRow.querySelectorAll('th')) {
      const col = th.querySelector('[data-sort]')?.dataset.sort;
      if (col === state.sort) th.setAttribute('aria-sort', state.desc ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    tbody.setAttribute('aria-busy', 'true');

    let page;
    try {
      page = await request('GET', `/api/tenants${query({
        search: state.search, filter: filterText(), skip: state.skip, top: state.top,
        orderby: `${state.sort} ${state.desc ? 'desc' : 'asc'}`,
      })}`);
    } catch (err) {
      if (!(err instanceof APIError)) throw err;
      if (mine === loads) showListError(err);
      return;
    } finally {
      if (mine === loads) tbody.removeAttribute('aria-busy');
    }
    if (mine !== loads) return;

    tbody.replaceChildren(...page.items.map((t) => row(t, load)));
    if (page.items.length === 0) {
      tbody.append(h('tr', {}, h('td', { colspan: columns.length + 1, class: 'empty',
        text: 'No tenant matches.' })));
    }
    const first = page.count === 0 ? 0 : state.skip + 1;
    const last = state.skip + page.items.length;
    status.textContent = `${first}–${last} of ${page.count} tenants`;
    prev.disabled = state.skip === 0;
    next.disabled = last >= page.count;
  }

  // showListError puts a field error beside the search or filter box it names (the quick
  // filters travel inside filter), anything else above the table.
  function showListError(err) {
    let shown = false;
    for (const d of err.detail) {
      const slot = toolbar.querySelector(`[data-error-for="${d.field}"]`);
      if (!slot) continue;
      slot.textContent = d.reason;
      slot.hidden = false;
      toolbar.querySelector(`#${d.field}`)?.setAttribute('aria-invalid', 'true');
      shown = true;
    }
    if (!shown) {
      listError.replaceChildren(h('p', { text: err.message }));
      listError.hidden = false;
    }
    tbody.replaceChildren();
    status.textContent = 'The list could not be loaded.';
  }

  load();
}

function row(t, reload) {
  const link = h('a', { href: `#/tenants/${t.id}`, text: t.name });
  const toggle = h('button', { type: 'button', class: 'small secondary',
    text: t.enabled ? 'Disable' : 'Enable',
    'aria-label': `${t.enabled ? 'Disable' : 'Enable'} ${t.name}`,
    onclick: async () => {
      toggle.disabled = true;
      try {
        await request('POST', `/api/tenants/${t.id}`, { enabled: !t.enabled });
        announce(`${t.name} ${t.enabled ? 'disabled' : 'enabled'}.`);
        reload();
      } catch (err) {
        if (!(err instanceof APIError)) throw err;
        announce(`Could not change ${t.name}: ${err.message}`, 'error');
        toggle.disabled = false;
      }
    } });
  const del = h('button', { type: 'button', class: 'small danger', text: 'Delete',
    'aria-label': `Delete ${t.name}`, onclick: () => deleteTenant(t, reload) });

  const cell = (c) => {
    if (c.name === 'name') return h('td', {}, link);
    if (c.name === 'enabled') {
      return h('td', {}, h('span', { class: `badge ${t.enabled ? 'on' : 'off'}`,
        text: t.enabled ? 'enabled' : 'disabled' }));
    }
    if (c.name === 'created_at') return h('td', { text: formatTime(t.created_at) });
    return h('td', { class: c.num ? 'num' : null, text: t[c.name] ?? '' });
  };
  return h('tr', { 'data-id': t.id }, columns.map(cell),
    h('td', { class: 'actions' }, toggle, del));
}
