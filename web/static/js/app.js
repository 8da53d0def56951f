// The console's entry point: the hash router, the sign-in page and the page shell.

import * as api from './api.js';
import { announce, h, pageHeading } from './dom.js';
import { renderForm, renderList, resources } from './resource.js';
import { renderTenantForm } from './tenant-form.js';
import { renderTenantList } from './tenants.js';

const main = document.getElementById('main');

// routes map "#/path" patterns to page renderers; ":id" captures one segment.
const routes = [
  ['/tenants', () => renderTenantList(main)],
  ['/tenants/new', () => renderTenantForm(main, null)],
  ['/tenants/:id', (id) => renderTenantForm(main, id)],
  ['/dealers', () => renderList(main, resources.dealers)],
  ['/dealers/new', () => renderForm(main, resources.dealers, null)],
  ['/dealers/:id', (id) => renderForm(main, resources.dealers, id)],
  ['/users', () => renderList(main, resources.users)],
  ['/users/new', () => renderForm(main, resources.users, null)],
  ['/users/:id', (id) => renderForm(main, resources.users, id)],
];

function match(path) {
  const parts = path.split('/');
  for (const [pattern, render] of routes) {
    const want = pattern.split('/');
    if (want.length !== parts.length) continue;
    const args = [];
    const ok = want.every((w, i) => {
      if (w === ':id') {
        args.push(decodeURIComponent(parts[i]));
        return parts[i] !== '';
      }
      return w === parts[i];
    });
    if (ok) return () => render(...args);
  }
  return null;
}

async function route() {
  const hash = location.hash;
  // In-page anchors such as the skip link are not routes.
  if (hash && !hash.startsWith('#/')) return;

  const path = hash.slice(1) || '/tenants';
  if (!api.signedIn()) {
    renderSignIn(path === '/sign-in' ? '/tenants' : path);
    return;
  }
  if (path === '/sign-in') {
    location.hash = '#/tenants';
    return;
  }

  showShell(path);
  const render = match(path);
  try {
    if (!render) throw new Error('There is no such page.');
    await render();
  } catch (err) {
    if (!api.signedIn()) return; // the session ended; the sign-in page is showing
    main.replaceChildren(pageHeading('Something went wrong'),
      h('div', { class: 'summary', role: 'alert' }, h('p', { text: err.message })),
      h('p', {}, h('a', { href: '#/tenants', text: 'Back to the tenants' })));
  }
}

function showShell(path) {
  document.getElementById('topbar').hidden = false;
  document.getElementById('whoami').textContent = api.username();
  for (const a of document.querySelectorAll('#topbar nav a')) {
    const current = path.startsWith(a.getAttribute('href').slice(1));
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderSignIn(next, notice) {
  document.getElementById('topbar').hidden = true;
  const error = h('p', { class: 'error', id: 'signin-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary', text: 'Sign in' });
  const input = (id, label, attrs) => h('div', { class: 'field' },
    h('label', { for: id, text: label }),
    h('input', { id, name: id, 'aria-describedby': 'signin-error', ...attrs }));

  const form = h('form', { class: 'signin', 'aria-labelledby': 'signin-title',
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      submit.disabled = true;
      const v = (id) => form.querySelector(`#${id}`).value;
      try {
        await api.signIn(v('username').trim(), v('password'), v('domain').trim());
        location.hash = `#${next}`;
        route();
      } catch (err) {
        error.textContent = err instanceof api.APIError && err.status === 401
          ? 'The user name or password is wrong.' : err.message;
        form.querySelector('#password').select();
      } finally {
        submit.disabled = false;
      }
    } },
  h('h1', { id: 'signin-title', text: 'Sign in to tenantd' }),
  notice ? h('p', { class: 'notice', role: 'status', text: notice }) : null,
  input('username', 'User name', { autocomplete: 'username', required: true,
    autocapitalize: 'none', spellcheck: 'false' }),
  input('password', 'Password', { type: 'password', autocomplete: 'current-password',
    required: true }),
  input('domain', 'Tenant domain (tenant users only)', { autocomplete: 'off',
    spellcheck: 'false' }),
  error, submit);

  main.replaceChildren(form);
  form.querySelector('#username').focus();
}

// datalists offers the browser's own lists of time zones and currencies as suggestions.
function datalists() {
  const list = (id, values) => h('datalist', { id },
    values.map((v) => h('option', { value: v })));
  const supported = (kind) => {
    try {
      return Intl.supportedValuesOf(kind);
    } catch {
      return [];
    }
  };
  document.body.append(list('timezones', supported('timeZone')),
    list('currencies', supported('currency')),
    list('roles', ['Admin', 'StandardUser']));
}

api.setExpiredHandler(() => {
  renderSignIn(location.hash.slice(1) || '/tenants',
    'Your session has ended. Please sign in again.');
});

document.getElementById('sign-out').addEventListener('click', async () => {
  await api.signOut();
  location.hash = '#/sign-in';
  announce('Signed out.');
});

window.addEventListener('hashchange', route);
datalists();
route();
