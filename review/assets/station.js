// The review station in the browser: keyboard first, no framework. Every
// value from the store is put on the page as text (textContent), never as HTML.
'use strict';

const state = {
  me: null,          // {user, role, csrf}
  kinds: [],         // kinds of reason, in the order the server counts them
  kind: '',          // the queue's filter ('' = every document)
  queue: [],         // the page of the queue on screen
  index: -1,         // the document of the queue on screen
  doc: null,         // the document on screen (from /api/document)
  page: 1,
  dpi: 100,
  busy: false,
};

const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 4000);
}

async function api(method, path, body) {
  const headers = {};
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    if (state.me) headers['X-CSRF-Token'] = state.me.csrf;
  }
  const res = await fetch(path, {method, headers, credentials: 'same-origin',
                                 body: body === undefined ? undefined : JSON.stringify(body)});
  let data = {};
  try { data = await res.json(); } catch (e) { data = {}; }
  if (res.status === 401 && path !== '/api/login') {
    showLogin('Your session has ended; log in again.');
    throw new Error(data.error || 'not logged in');
  }
  if (!res.ok) throw new Error(data.error || ('the station answered ' + res.status));
  return data;
}

// ---------------------------------------------------------------- login

function showLogin(message) {
  state.me = null;
  $('station').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  $('login-user').focus();
}

async function login(event) {
  event.preventDefault();
  try {
    state.me = await api('POST', '/api/login', {user: $('login-user').value, password: $('login-password').value});
    $('login-password').value = '';
    start();
  } catch (e) {
    $('login-error').textContent = e.message;
    $('login-password').select();
  }
}

async function logout() {
  try { await api('POST', '/api/logout', {}); } catch (e) { /* ended anyway */ }
  showLogin('Logged out.');
}

function start() {
  $('login').hidden = true;
  $('station').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = state.me.user + ' (' + state.me.role + ')';
  loadQueue(0);
}

// ---------------------------------------------------------------- the queue

const kindWords = {
  patient: 'patient', type: 'type', boundary: 'boundary', quality: 'page quality',
  incomplete: 'incomplete', split: 'split/merged', reprocessed: 'read again', superseded: 'scan grew',
};

async function loadQueue(offset, openId) {
  const q = await api('GET', '/api/queue?kind=' + encodeURIComponent(state.kind) + '&offset=' + offset);
  state.queue = q.documents;
  state.offset = q.offset;
  state.kinds = q.kinds;
  const kinds = $('kinds');
  kinds.replaceChildren();
  const all = el('button', 'all ' + q.total, state.kind === '' ? 'active' : '');
  all.onclick = () => { state.kind = ''; loadQueue(0); };
  kinds.append(all);
  for (const k of state.kinds) {
    if (q.counts[k] === 0 && state.kind !== k) continue;
    const b = el('button', (kindWords[k] || k) + ' ' + q.counts[k], state.kind === k ? 'active' : '');
    b.onclick = () => { state.kind = k; loadQueue(0); };
    kinds.append(b);
  }
  const list = $('queue-list');
  list.replaceChildren();
  q.documents.forEach((d, i) => {
    const li = el('li');
    li.append(el('span', d.id.slice(0, 8), 'id'), el('span', ' · ' + d.pages + ' page(s)'));
    li.append(el('div', d.kinds.map((k) => kindWords[k] || k).join(', '), 'kinds'));
    li.onclick = () => openAt(i);
    list.append(li);
  });
  $('queue-paging').textContent = q.total === 0 ? 'The queue is empty.'
      : 'Showing ' + (q.offset + 1) + '–' + (q.offset + q.documents.length) + ' of ' +
        (state.kind ? q.counts[state.kind] : q.total);
  let at = openId ? q.documents.findIndex((d) => d.id === openId) : 0;
  if (openId && at < 0) { await openDocument(openId); return; }
  if (q.documents.length > 0) await openAt(Math.max(0, at));
  else showNothing();
}

function showNothing() {
  state.doc = null;
  state.index = -1;
  const head = $('doc-head');
  head.replaceChildren(el('p', 'Nothing to review here. Press f to find a filed document, or c for another kind.', 'empty'));
  $('page-img').removeAttribute('src');
  $('boxes').replaceChildren();
  for (const id of ['reasons', 'candidates', 'identifiers', 'types', 'neighbours', 'history']) $(id).replaceChildren();
}

async function openAt(i) {
  state.index = i;
  [...$('queue-list').children].forEach((li, j) => li.classList.toggle('current', j === i));
  await openDocument(state.queue[i].id);
}

// ---------------------------------------------------------------- one document

async function openDocument(id) {
  state.loading = true;
  let d;
  try { d = await api('GET', '/api/document/' + encodeURIComponent(id)); } finally { state.loading = false; }
  state.doc = d;
  state.page = 1;
  const head = $('doc-head');
  head.replaceChildren();
  head.append(el('h2', 'Document ' + d.id.slice(0, 8) + ' · ' + d.state));
  const who = d.patient ? (d.state === 'filed' ? 'filed to MRN ' + d.patient.mrn
                                               : 'best candidate MRN ' + d.patient.mrn) : 'no patient';
  const type = d.type ? d.type.label.replace(/_/g, ' ') : 'type not sure';
  head.append(el('p', who + ' · ' + type + ' · ' + d.pages + ' page(s) · received ' + d.created_at, 'meta'));
  const reasons = $('reasons');
  reasons.replaceChildren(...(d.reasons.length ? d.reasons.map((r) => el('li', r)) : [el('li', 'none', 'empty')]));
  const cands = $('candidates');
  cands.replaceChildren();
  d.candidates.forEach((c, i) => {
    const box = el('div', null, 'candidate');
    const p = c.patient;
    box.append(el('strong', (i + 1) + '. ' + (p ? p.family_name + ', ' + p.given_name : 'not in the index') +
                            ' · MRN ' + c.mrn));
    if (p) box.append(el('div', 'born ' + p.birth_date + ' · sex ' + p.sex));
    box.append(el('div', 'confidence ' + Math.round(100 * c.confidence) + '%'));
    for (const a of c.agreements || []) box.append(el('div', '✓ ' + a, 'agree'));
    for (const x of c.conflicts || []) box.append(el('div', '✗ ' + x, 'conflict'));
    cands.append(box);
  });
  if (d.candidates.length === 0) cands.append(el('p', 'none: press / to search the patient index', 'empty'));
  $('identifiers').replaceChildren(...d.identifiers.map((x) =>
      el('li', x.kind + ': ' + x.value + ' (page ' + x.page + ', "' + x.read + '")')));
  const types = $('types');
  types.replaceChildren(...(d.types || []).map((t) =>
      el('div', t.label.replace(/_/g, ' ') + ' ' + Math.round(100 * t.confidence) + '%')));
  $('neighbours').replaceChildren(...d.neighbours.map((n) =>
      el('li', n.id.slice(0, 8) + (n.id === d.id ? ' (this one)' : '') + ' · ' + n.state + ' · ' + n.pages + ' page(s)')));
  $('history').replaceChildren(...d.history.map((h) =>
      el('li', h.at.slice(0, 16) + ' ' + h.by + ': ' + h.action + (h.to_mrn ? ' to ' + h.to_mrn : '') +
               (h.from_mrn && h.from_mrn !== h.to_mrn ? ' from ' + h.from_mrn : '') + ' — ' + h.reason)));
  showPage();
}

function showPage() {
  const d = state.doc;
  if (!d) return;
  const img = $('page-img');
  img.alt = 'page ' + state.page + ' of ' + d.pages;
  img.onload = drawBoxes;
  img.src = '/api/document/' + encodeURIComponent(d.id) + '/page/' + state.page + '.png?dpi=' + state.dpi +
            '&r=' + d.revision;
}

// The words read as evidence, where they are on the page.
function drawBoxes() {
  const d = state.doc;
  const boxes = $('boxes');
  boxes.replaceChildren();
  if (!d) return;
  const size = (d.page_sizes || [])[state.page - 1];
  const img = $('page-img');
  if (!size || !size.width) return;
  const scale = img.naturalWidth / size.width;
  for (const x of d.identifiers) {
    if (x.page !== state.page || !x.box || !x.box.width) continue;
    const b = el('div', null, 'box');
    b.style.left = (x.box.x * scale - 3) + 'px';
    b.style.top = (x.box.y * scale - 3) + 'px';
    b.style.width = (x.box.width * scale + 6) + 'px';
    b.style.height = (x.box.height * scale + 6) + 'px';
    // The label in the page's left margin, on the same line: the words stay readable.
    const label = el('span', x.kind.replace('_', ' '), 'box-label');
    label.style.top = (x.box.y * scale + x.box.height * scale / 2) + 'px';
    boxes.append(b, label);
  }
}

// ---------------------------------------------------------------- dialogs

// Opens the dialog; `ok(reason)` runs on Enter and may throw to show an error.
function ask({title, body, reason, needsReason = true, presets = null, ok}) {
  const dialog = $('dialog');
  $('dialog-title').textContent = title;
  $('dialog-body').replaceChildren(...(body ? [body] : []));
  $('reason-label').hidden = !needsReason;
  $('dialog-reason').value = reason || '';
  $('dialog-error').textContent = '';
  ask.ok = ok;
  ask.presets = presets;
  if (!dialog.open) dialog.showModal();
  const first = body && body.querySelector('input, select');
  (first || $('dialog-reason')).focus();
  if (!first) $('dialog-reason').select();
}

async function confirmDialog(event) {
  event.preventDefault();
  if (!ask.ok || state.busy) return;
  try {
    state.busy = true;
    await ask.ok($('dialog-reason').value.trim());
    $('dialog').close();
  } catch (e) {
    $('dialog-error').textContent = e.message;
  } finally {
    state.busy = false;
  }
}

async function decide(kind, fields, reason) {
  if (!reason && kind !== 'rotate') throw new Error('Give a reason: it is kept with the decision.');
  const r = await api('POST', '/api/decide', Object.assign({kind, id: state.doc.id, reason, queue_kind: state.kind},
                                                          fields));
  toast(r.summary);
  if (kind === 'rotate' || kind === 'split' || kind === 'merge' || state.doc.state !== 'review') {
    await loadQueue(state.offset || 0, state.doc.id);   // the same document, changed
  } else {
    await loadQueue(0, r.next || undefined);  // settled: the next one at once
  }
}

function chooseCandidate(i) {
  const d = state.doc;
  const c = d && d.candidates[i];
  if (!c) return toast('There is no candidate ' + (i + 1) + '.');
  const words = (c.agreements || []).join('; ');
  const kind = d.state === 'filed' ? 'move' : 'resolve';
  ask({title: (kind === 'move' ? 'Move to ' : 'File to ') + 'MRN ' + c.mrn, reason: 'confirmed: ' + words,
       ok: (reason) => decide(kind, {mrn: c.mrn}, reason)});
}

// A list the arrow keys move through, inside a dialog.
function pickList(items, render) {
  const list = el('ol');
  list.current = items.length ? 0 : -1;
  const draw = () => {
    list.replaceChildren(...items.map((it, i) => {
      const li = el('li', render(it), i === list.current ? 'current' : '');
      return li;
    }));
  };
  list.move = (delta) => {
    if (!items.length) return;
    list.current = (list.current + delta + items.length) % items.length;
    draw();
  };
  list.set = (next) => { items = next; list.current = items.length ? 0 : -1; draw(); };
  list.chosen = () => items[list.current];
  draw();
  return list;
}

// Search the patient index, choose with the arrow keys, then give the reason.
function searchPatient() {
  const d = state.doc;
  if (!d) return;
  const kind = d.state === 'filed' ? 'move' : 'resolve';
  const wrap = el('div');
  const input = el('input');
  input.placeholder = 'family name, "FAMILY, GIVEN", date of birth YYYY-MM-DD, or MRN';
  const list = pickList([], (p) => p.family_name + ', ' + p.given_name + ' · born ' + p.birth_date + ' · MRN ' + p.mrn);
  wrap.append(input, list);
  let timer = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try { list.set((await api('POST', '/api/patients', {query: input.value})).patients); $('dialog-error').textContent = ''; }
      catch (e) { $('dialog-error').textContent = e.message; }
    }, 200);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { list.move(1); e.preventDefault(); }
    if (e.key === 'ArrowUp') { list.move(-1); e.preventDefault(); }
    if (e.key === 'Enter') {
      e.preventDefault();
      const p = list.chosen();
      if (!p) return;
      ask({title: (kind === 'move' ? 'Move to ' : 'File to ') + p.family_name + ', ' + p.given_name + ' (MRN ' + p.mrn + ')',
           reason: kind === 'move' ? 'misfiled: ' : 'identified from the chart: ',
           ok: (reason) => decide(kind, {mrn: p.mrn}, reason)});
    }
  });
  ask({title: kind === 'move' ? 'Move this document to another patient' : 'Search the patient index',
       body: wrap, needsReason: false, ok: async () => { throw new Error('Choose a patient with ↑ ↓ and Enter.'); }});
}

function setType() {
  const d = state.doc;
  const select = el('select');
  for (const label of d.type_labels) {
    const o = el('option', label.replace(/_/g, ' '));
    o.value = label;
    select.append(o);
  }
  const best = d.type ? d.type.label : (d.types[0] && d.types[0].label);
  if (best) select.value = best;
  select.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); $('dialog-reason').focus(); }
  });
  ask({title: 'Set the document type (↑ ↓, then Enter)', body: select, reason: 'checked the page',
       ok: (reason) => decide('set-type', {label: select.value}, reason)});
}

function split() {
  if (state.page < 2) return toast('Go to the page that starts the new document first (n), then press s.');
  ask({title: 'Split: pages ' + state.page + '–' + state.doc.pages + ' become a new document',
       reason: 'page ' + state.page + ' starts another document',
       ok: (reason) => decide('split', {page: state.page}, reason)});
}

function merge() {
  const d = state.doc;
  const at = d.neighbours.findIndex((n) => n.id === d.id);
  const next = d.neighbours.slice(at + 1).find((n) => n.state === 'review' || n.state === 'filed');
  if (!next) return toast('No document follows this one in its batch.');
  ask({title: 'Merge: document ' + next.id.slice(0, 8) + ' (' + next.pages + ' page(s)) follows this one',
       reason: 'the same document', ok: (reason) => decide('merge', {other: next.id}, reason)});
}

const kRejectReasons = ['not for this facility', 'rescan requested'];

function reject() {
  const body = el('ol');
  kRejectReasons.forEach((r, i) => body.append(el('li', (i + 1) + ' — ' + r)));
  ask({title: 'Reject this document (kept, listed for the scanning room)', body: null, reason: kRejectReasons[0],
       presets: kRejectReasons, ok: (reason) => decide('reject', {}, reason)});
  $('dialog-body').replaceChildren(body);
}

// In the reason field, 1, 2, ... choose a preset reason while the field holds
// none of the person's own words.
function presetKey(e) {
  const presets = ask.presets || [];
  const n = Number(e.key);
  const value = $('dialog-reason').value;
  if (n >= 1 && n <= presets.length && (value === '' || presets.includes(value))) {
    e.preventDefault();
    $('dialog-reason').value = presets[n - 1];
  }
}

function findFiled() {
  const wrap = el('div');
  const input = el('input');
  input.placeholder = 'MRN, first characters of a document id, or words from the document';
  const list = pickList([], (d) => d.id.slice(0, 8) + ' · ' + d.state + (d.patient ? ' · MRN ' + d.patient.mrn : '') +
                                  (d.type ? ' · ' + d.type.label.replace(/_/g, ' ') : '') + ' · ' + d.pages + ' page(s)');
  wrap.append(input, list);
  input.addEventListener('keydown', async (e) => {
    if (e.key === 'ArrowDown') { list.move(1); e.preventDefault(); }
    if (e.key === 'ArrowUp') { list.move(-1); e.preventDefault(); }
    if (e.key === 'Enter') {
      e.preventDefault();
      const chosen = list.chosen();
      if (chosen && input.dataset.searched === input.value) {
        $('dialog').close();
        state.index = -1;
        [...$('queue-list').children].forEach((li) => li.classList.remove('current'));
        await openDocument(chosen.id);
        return;
      }
      try {
        list.set((await api('POST', '/api/find', {query: input.value})).documents);
        input.dataset.searched = input.value;
        $('dialog-error').textContent = list.chosen() ? 'Enter opens the one marked; ↑ ↓ choose.' : 'Nothing found.';
      } catch (err) { $('dialog-error').textContent = err.message; }
    }
  });
  ask({title: 'Find a document', body: wrap, needsReason: false,
       ok: async () => { throw new Error('Type, then Enter to search; Enter again opens the one marked.'); }});
}

// ---------------------------------------------------------------- keys

function onKey(e) {
  if ($('dialog').open || $('help').open || !state.me || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target.tagName === 'INPUT') return;
  const d = state.doc;
  const keys = {
    '?': () => $('help').showModal(),
    j: () => state.index + 1 < state.queue.length && openAt(state.index + 1),
    ArrowDown: () => state.index + 1 < state.queue.length && openAt(state.index + 1),
    k: () => state.index > 0 && openAt(state.index - 1),
    ArrowUp: () => state.index > 0 && openAt(state.index - 1),
    c: () => { const all = [''].concat(state.kinds); state.kind = all[(all.indexOf(state.kind) + 1) % all.length]; loadQueue(0); },
    q: () => loadQueue(0),
    f: findFiled,
  };
  if (d) {
    Object.assign(keys, {
      n: () => { if (state.page < d.pages) { state.page++; showPage(); } },
      PageDown: () => { if (state.page < d.pages) { state.page++; showPage(); } },
      p: () => { if (state.page > 1) { state.page--; showPage(); } },
      PageUp: () => { if (state.page > 1) { state.page--; showPage(); } },
      '+': () => { state.dpi = Math.min(200, state.dpi + 25); showPage(); },
      '-': () => { state.dpi = Math.max(50, state.dpi - 25); showPage(); },
      1: () => chooseCandidate(0), 2: () => chooseCandidate(1), 3: () => chooseCandidate(2),
      '/': searchPatient,
      v: () => (d.state === 'filed' ? searchPatient() : toast('v moves a filed document; this one is ' + d.state + '.')),
      t: setType,
      s: split,
      m: merge,
      r: () => decide('rotate', {page: state.page, degrees: 90}, 'page turned upright').catch((err) => toast(err.message)),
      R: () => decide('rotate', {page: state.page, degrees: 180}, 'page turned upright').catch((err) => toast(err.message)),
      x: reject,
    });
  }
  const action = keys[e.key];
  if (!action) return;
  e.preventDefault();
  Promise.resolve(action()).catch((err) => toast(err.message));
}

// What is on screen, for the browser tests (no patient data: ids and numbers).
window.chartroomState = () => ({doc: state.doc && state.doc.id, revision: state.doc && state.doc.revision,
                                page: state.page, index: state.index,
                                busy: state.busy || state.loading});

document.addEventListener('DOMContentLoaded', async () => {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('dialog-form').addEventListener('submit', confirmDialog);
  $('dialog-cancel').addEventListener('click', () => $('dialog').close());
  $('dialog-reason').addEventListener('keydown', presetKey);
  document.addEventListener('keydown', onKey);
  try {
    state.me = await api('GET', '/api/me');
    start();
  } catch (e) {
    showLogin('');
  }
});
