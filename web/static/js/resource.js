// Dealers and users: a list with search and paging, and a create/edit form, built from a
// description of the resource. Both endpoints may be missing on an older server; the page
// then says so instead of failing.

import { APIError, query, request, send } from './api.js';
import { announce, confirmDialog, h, pageHeading } from './dom.js';
import { changes, clearErrors, field, getPath, setPath, showErrors } from './form.js';

const text = (name, label, extra = {}) => ({ name, label, type: 'text', optional: true, ...extra });
const num = (name, label) => ({ name, label, type: 'int', min: 0 });
const flag = (name, label) => ({ name, label, type: 'bool' });

const dealerEditable = [
  text('display_name', 'Display name'), text('email', 'E-mail'), text('website', 'Website'),
  text('phone', 'Phone'), text('address', 'Address'),
  num('max_tenants', 'Maximum tenants'), num('max_extensions', 'Maximum extensions'),
  flag('tenant_full_access', 'Full access to its tenants'), flag('enabled', 'Enabled'),
];

const userEditable = [
  text('display_name', 'Display name', { required: true, optional: false }),
  text('email', 'E-mail', { required: true, optional: false }),
  text('mobile_phone', 'Mobile phone'), text('work_phone', 'Work phone'),
  text('home_phone', 'Home phone'), text('address', 'Address'),
  text('department', 'Department'), flag('enabled', 'Enabled'),
];

export const resources = {
  dealers: {
    title: 'Dealers', one: 'dealer', api: '/api/dealers', route: '#/dealers',
    columns: ['name', 'display_name', 'level', 'enabled', 'email', 'max_tenants',
      'max_extensions'],
    create: [
      { name: 'name', label: 'Name', type: 'text', required: true },
      { name: 'password', label: 'Password', type: 'secret', required: true },
      { name: 'level', label: 'Level', type: 'enum',
        values: ['DISTRIBUTOR', 'SUB_DISTRIBUTOR', 'RESELLER'] },
      ...dealerEditable,
    ],
    update: dealerEditable,
    defaults: { enabled: true, level: 'RESELLER', max_tenants: 100, max_extensions: 50000,
      tenant_full_access: true },
  },
  users: {
    title: 'Users', one: 'user', api: '/api/users', route: '#/users', inTenant: true,
    columns: ['name', 'display_name', 'extension_number', 'role', 'enabled', 'email',
      'department'],
    create: [
      { name: 'name', label: 'User name', type: 'text', required: true },
      { name: 'password', label: 'Password', type: 'secret', required: true },
      { name: 'role', label: 'Role', type: 'text', required: true, list: 'roles' },
      { name: 'extension_number', label: 'Extension number', type: 'text', required: true,
        inputmode: 'numeric' },
      { name: 'extension_password', label: 'Extension password', type: 'secret',
        required: true },
      { name: 'voicemail_pin', label: 'Voicemail PIN', type: 'secret', required: true },
      ...userEditable,
    ],
    update: userEditable,
    defaults: { enabled: true, role: 'StandardUser' },
  },
};

const columnLabel = (c) => c.replaceAll('_', ' ').replace(/^./, (x) => x.toUpperCase());

function unavailable(main, res) {
  main.replaceChildren(pageHeading(res.title), h('div', { class: 'notice', role: 'status' },
    h('p', { text: `${res.title} are not available on this server.` }),
    h('p', { class: 'muted', text: `The server does not offer ${res.api} yet; this page ` +
      'works once it does.' })));
}

// renderList shows one page of the resource with a search box.
export async function renderList(main, res) {
  const state = res.state ??= { search: '', skip: 0, top: 25 };
  const search = h('input', { type: 'search', id: 'r-search', value: state.search });
  const tbody = h('tbody');
  const status = h('p', { class: 'count', 'aria-live': 'polite' });
  const problem = h('div', { class: 'summary', role: 'alert', hidden: true });
  const prev = h('button', { type: 'button', class: 'secondary', text: '← Previous' });
  const next = h('button', { type: 'button', class: 'secondary', text: 'Next →' });

  // Only the newest request draws the page: an older answer arriving late is dropped.
  const mine = res.loads = (res.loads || 0) + 1;
  let page;
  try {
    page = await request('GET', res.api + query({ search: state.search, skip: state.skip,
      top: state.top }));
  } catch (err) {
    if (!(err instanceof APIError)) throw err;
    if (mine !== res.loads) return;
    if (err.unavailable) {
      unavailable(main, res);
      return;
    }
    problem.replaceChildren(h('p', { text: err.message }));
    problem.hidden = false;
  }

  if (mine !== res.loads) return;
  const reload = () => renderList(main, res);
  if (page) {
    tbody.replaceChildren(...page.items.map((item) => h('tr', {},
      res.columns.map((c, i) => h('td', {}, i === 0
        ? h('a', { href: `${res.route}/${item.id}`, text: item[c] })
        : c === 'enabled' ? h('span', { class: `badge ${item.enabled ? 'on' : 'off'}`,
          text: item.enabled ? 'enabled' : 'disabled' }) : String(item[c] ?? ''))),
      h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small danger',
        text: 'Delete', 'aria-label': `Delete ${item.name}`,
        onclick: () => destroy(res, item, reload) })))));
    const last = state.skip + page.items.length;
    status.textContent = `${page.count ? state.skip + 1 : 0}–${last} of ${page.count}`;
    prev.disabled = state.skip === 0;
    next.disabled = last >= page.count;
  } else {
    prev.disabled = next.disabled = true;
  }
  prev.addEventListener('click', () => {
    state.skip = Math.max(0, state.skip - state.top);
    reload();
  });
  next.addEventListener('click', () => { state.skip += state.top; reload(); });

  main.replaceChildren(
    h('div', { class: 'page-head' }, pageHeading(res.title), h('span', { class: 'spacer' }),
      h('a', { href: `${res.route}/new`, class: 'button primary', text: `New ${res.one}` })),
    res.inTenant ? await tenantPicker(reload) : null,
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => {
      e.preventDefault();
      Object.assign(state, { search: search.value, skip: 0 });
      reload();
    } }, h('div', { class: 'field' }, h('label', { for: 'r-search', text: 'Search' }), search),
    h('div', { class: 'field' }, h('span', { class: 'label-space' }),
      h('button', { type: 'submit', class: 'primary', text: 'Search' }))),
    problem,
    h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, res.columns.map((c) => h('th', { scope: 'col',
        text: columnLabel(c) })), h('th', { scope: 'col' },
        h('span', { class: 'sr-only', text: 'Actions' })))), tbody)),
    h('div', { class: 'pager' }, status, h('span', { class: 'spacer' }), prev, next));
}

// tenantPicker lets a system admin or dealer choose the tenant whose users the page shows.
async function tenantPicker(changed) {
  const select = h('select', { id: 'work-tenant' }, h('option', { value: '', text: '—' }));
  try {
    const page = await request('GET', '/api/tenants?orderby=name&top=100');
    for (const t of page.items) {
      select.append(h('option', { value: t.id, text: `${t.name} (${t.domain})` }));
    }
  } catch {
    return null; // a tenant admin works in its own tenant and cannot list tenants
  }
  select.value = sessionStorage.getItem('work_tenant') || '';

  const status = h('span', { class: 'status', 'aria-live': 'polite' });
  return h('form', { class: 'filters', onsubmit: async (e) => {
    e.preventDefault();
    const r = await send('POST', `/api/tenants/switch?id=${encodeURIComponent(select.value)}`);
    if (r.status >= 200 && r.status <= 299) {
      sessionStorage.setItem('work_tenant', select.value);
      changed();
      return;
    }
    const err = new APIError(r.status, r.json());
    status.textContent = r.status === 404 && !select.value ? 'Choose a tenant.' : err.message;
  } }, h('div', { class: 'field' }, h('label', { for: 'work-tenant', text: 'Work in tenant' }),
    select), h('div', { class: 'field' }, h('span', { class: 'label-space' }),
    h('button', { type: 'submit', class: 'secondary', text: 'Switch' })), status);
}

async function destroy(res, item, done) {
  const yes = await confirmDialog({ title: `Delete ${item.name}?`,
    message: `The ${res.one} ${item.name} is removed for good.` });
  if (!yes) return;
  try {
    await request('POST', `${res.api}/${item.id}/destroy`);
    announce(`Deleted ${item.name}.`);
    done();
  } catch (err) {
    if (!(err instanceof APIError)) throw err;
    announce(`Could not delete: ${err.message}`, 'error');
  }
}

// renderForm shows the create form (id null) or the edit form of one item.
export async function renderForm(main, res, id) {
  let original = { ...res.defaults };
  if (id) {
    try {
      original = await request('GET', `${res.api}/${encodeURIComponent(id)}`);
    } catch (err) {
      if (err instanceof APIError && err.unavailable && err.message === 'no such endpoint') {
        unavailable(main, res);
        return;
      }
      throw err;
    }
  }

  const defs = id ? res.update : res.create;
  const bound = defs.map((def) => ({ def, ...field(def, def.name) }));
  const summary = h('div', { class: 'summary', tabindex: '-1', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary', text: id ? 'Save' : 'Create' });
  for (const b of bound) b.set(getPath(original, b.def.name));

  const collect = () => {
    const out = {};
    for (const b of bound) {
      const v = b.get();
      if (!id && (v === null || v === '')) continue; // leave blank optional fields unset
      setPath(out, b.def.name, v);
    }
    return out;
  };

  const toolbar = h('div', { class: 'toolbar' },
    h('a', { href: res.route, class: 'back', text: `← ${res.title}` }),
    pageHeading(id ? original.name : `New ${res.one}`), h('span', { class: 'spacer' }), save);
  const form = h('form', { class: 'resource-form', novalidate: true }, toolbar, summary,
    h('fieldset', { class: 'group' }, h('legend', { text: `The ${res.one}` }),
      bound.map((b) => b.row)));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      if (!id) {
        const created = await request('POST', res.api, collect());
        announce(`Created the ${res.one}.`);
        location.hash = `${res.route}/${created.id}`;
        return;
      }
      const diff = changes(original, collect());
      if (Object.keys(diff).length) {
        const saved = await request('POST', `${res.api}/${id}`, diff);
        original = saved && typeof saved === 'object' ? saved : { ...original, ...diff };
      }
      clearErrors(form, summary);
      announce(Object.keys(diff).length ? 'Saved.' : 'Nothing has changed.');
    } catch (err) {
      if (!(err instanceof APIError)) throw err;
      if (err.unavailable && !id) {
        unavailable(main, res);
        return;
      }
      showErrors(form, summary, err);
    } finally {
      save.disabled = false;
    }
  });
  main.replaceChildren(form);
}
