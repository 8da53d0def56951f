// The tenant form: every setting of a tenant, grouped; create, partial update, enable or
// disable, delete, and the logo upload.

import { APIError, request, send } from './api.js';
import { announce, confirmDialog, h, pageHeading } from './dom.js';
import { callerIDs, officeHours } from './editors.js';
import { groups, newTenant } from './fields.js';
import { changes, clearErrors, field, getPath, setPath, showErrors } from './form.js';
import { uploadFile, uploadsAvailable } from './upload.js';

const editors = { officeHours, callerIDs };

// buildFields renders the fieldsets and returns them with the bindings that read and fill
// them, one per top-level or nested field path.
function buildFields() {
  const bindings = [];
  const sets = groups.map((g) => {
    const legend = h('legend', { text: g.title });
    if (g.editor) {
      const ed = editors[g.editor]();
      bindings.push({ path: g.path, get: ed.get, set: ed.set });
      return h('fieldset', { id: `group-${g.id}`, class: `group wide group-${g.id}` }, legend,
        ed.el);
    }
    const rows = g.fields.map((def) => {
      const path = g.object ? `${g.object}.${def.name}` : def.name;
      const f = field(def, path);
      bindings.push({ path, get: f.get, set: f.set });
      return f.row;
    });
    return h('fieldset', { id: `group-${g.id}`, class: `group group-${g.id}` }, legend, rows);
  });
  return { sets, bindings };
}

// renderTenantForm shows the form for the tenant id, or for a new tenant when id is null.
export async function renderTenantForm(main, id) {
  let original = id ? await request('GET', `/api/tenants/${encodeURIComponent(id)}`)
    : newTenant();

  const { sets, bindings } = buildFields();
  const fill = (t) => { for (const b of bindings) b.set(getPath(t, b.path)); };
  const collect = () => {
    const out = {};
    for (const b of bindings) setPath(out, b.path, b.get());
    return out;
  };

  const heading = pageHeading(id ? original.name : 'New tenant');
  const summary = h('div', { class: 'summary', tabindex: '-1', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary', text: id ? 'Save' : 'Create' });
  const toggle = id ? h('button', { type: 'button', class: 'secondary' }) : null;
  const showToggle = () => {
    toggle.textContent = original.enabled ? 'Disable' : 'Enable';
  };
  const del = id ? h('button', { type: 'button', class: 'danger', text: 'Delete' }) : null;

  const form = h('form', { class: 'tenant-form', novalidate: true, 'aria-labelledby': 'title' },
    h('div', { class: 'toolbar' },
      h('a', { href: '#/tenants', class: 'back', text: '← Tenants' }),
      heading,
      id ? h('span', { class: `badge ${original.enabled ? 'on' : 'off'}`, id: 'state' }) : null,
      h('span', { class: 'spacer' }), toggle, del, save),
    summary,
    h('nav', { class: 'jump', 'aria-label': 'Sections' },
      groups.map((g) => h('a', { href: `#/tenants/${id || 'new'}`, 'data-jump': g.id,
        text: g.title }))),
    h('div', { class: 'groups' }, sets));
  heading.id = 'title';

  const showState = () => {
    const badge = form.querySelector('#state');
    if (!badge) return;
    badge.textContent = original.enabled ? 'enabled' : 'disabled';
    badge.className = `badge ${original.enabled ? 'on' : 'off'}`;
    showToggle();
  };

  // Section links scroll without changing the route.
  form.querySelector('.jump').addEventListener('click', (e) => {
    const target = e.target.closest('[data-jump]');
    if (!target) return;
    e.preventDefault();
    const set = form.querySelector(`#group-${target.dataset.jump}`);
    set.scrollIntoView({ block: 'start' });
    set.querySelector('input, select, textarea, button')?.focus({ preventScroll: true });
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await busy(save, async () => {
      try {
        if (!id) {
          const res = await request('POST', '/api/tenants', collect());
          announce('Tenant created.');
          location.hash = `#/tenants/${res.id}`;
          return;
        }
        const diff = changes(original, collect());
        if (Object.keys(diff).length === 0) {
          clearErrors(form, summary);
          announce('Nothing has changed.');
          return;
        }
        original = await request('POST', `/api/tenants/${id}`, diff);
        clearErrors(form, summary);
        fill(original);
        heading.textContent = original.name;
        showState();
        announce('Saved.');
      } catch (err) {
        if (!(err instanceof APIError)) throw err;
        showErrors(form, summary, err);
      }
    });
  });

  if (id) {
    toggle.addEventListener('click', () => busy(toggle, async () => {
      try {
        original = await request('POST', `/api/tenants/${id}`, { enabled: !original.enabled });
        const enabled = bindings.find((b) => b.path === 'enabled');
        enabled.set(original.enabled);
        showState();
        announce(original.enabled ? 'Tenant enabled.' : 'Tenant disabled.');
      } catch (err) {
        if (!(err instanceof APIError)) throw err;
        showErrors(form, summary, err);
      }
    }));
    del.addEventListener('click', () => deleteTenant(original, () => {
      location.hash = '#/tenants';
    }));
  }

  fill(original);
  main.replaceChildren(form, id ? logoSection(original, (t) => { original = t; }) : null);
  if (id) showState();
}

// deleteTenant asks for confirmation, deletes and then calls done.
export async function deleteTenant(tenant, done) {
  const yes = await confirmDialog({
    title: `Delete ${tenant.name}?`,
    message: `The tenant ${tenant.domain} and everything it owns (users, files, settings) ` +
      'are removed for good.',
  });
  if (!yes) return;
  try {
    await request('POST', `/api/tenants/${tenant.id}/destroy`);
    announce(`Deleted ${tenant.name}.`);
    done();
  } catch (err) {
    if (!(err instanceof APIError)) throw err;
    announce(`Could not delete: ${err.message}`, 'error');
  }
}

// busy disables a button while fn runs, so a double click sends one request.
async function busy(button, fn) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

// logoSection uploads a new logo for the tenant: it switches the session to the tenant (a
// file belongs to the current tenant), uploads the file and makes it the tenant's avatar.
function logoSection(tenant, updated) {
  const fileInput = h('input', { type: 'file', id: 'logo-file', accept: 'image/*' });
  const progress = h('progress', { id: 'logo-progress', max: 100, value: 0,
    'aria-label': 'Upload progress' });
  const status = h('p', { class: 'status', 'aria-live': 'polite', id: 'logo-status' });
  const button = h('button', { type: 'submit', class: 'secondary', text: 'Upload logo' });
  const preview = h('div', { class: 'logo-preview' });

  const showLogo = (t) => {
    preview.replaceChildren(t.avatar_file_url
      ? h('img', { src: t.avatar_file_url, alt: `Current logo of ${t.name}` })
      : h('span', { class: 'muted', text: 'No logo yet.' }));
  };
  showLogo(tenant);

  const form = h('form', { class: 'logo', 'aria-labelledby': 'logo-title' },
    h('h2', { id: 'logo-title', text: 'Logo' }), preview,
    h('div', { class: 'field' }, h('label', { for: 'logo-file', text: 'Image file' }), fileInput),
    h('div', { class: 'upload-row' }, button, progress), status);

  uploadsAvailable().then((available) => {
    if (available) return;
    fileInput.disabled = true;
    button.disabled = true;
    status.textContent = 'File uploads are not available on this server yet, so the logo ' +
      'cannot be changed here.';
  }).catch(() => {});

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = fileInput.files[0];
    if (!file) {
      status.textContent = 'Choose an image file first.';
      fileInput.focus();
      return;
    }
    await busy(button, async () => {
      try {
        status.textContent = `Uploading ${file.name}…`;
        const sw = await send('POST', `/api/tenants/switch?id=${encodeURIComponent(tenant.id)}`);
        if (sw.status < 200 || sw.status > 299) throw new APIError(sw.status, sw.json());
        const fileID = await uploadFile(file, (sent, total) => {
          progress.value = total ? Math.round((sent / total) * 100) : 100;
        });
        await request('POST', '/api/tenant', { avatar_file_id: fileID });
        const fresh = await request('GET', `/api/tenants/${tenant.id}`);
        updated(fresh);
        showLogo(fresh);
        status.textContent = 'The logo is uploaded.';
      } catch (err) {
        status.textContent = err instanceof APIError && err.unavailable
          ? 'File uploads are not available on this server yet.'
          : `The upload failed: ${err.message}`;
      }
    });
  });
  return form;
}
