// The Tasq dashboard: polls the JSON API of the tq process that served this page and draws it.
// Everything shown comes from the queue (job names, reasons are user input), so it is only ever
// put into the page as text (textContent, createElement), never as HTML.
'use strict';

const WINDOW_MS = 10 * 60 * 1000; // as far back as the server keeps points
const SVG = 'http://www.w3.org/2000/svg';
const DEAD_SHOWN = 50; // the oldest ones; the count says how many there are
const state = { actions: false, token: sessionStorage.getItem('tasq-token') || '', unlocked: false };

function $(id) { return document.getElementById(id); }

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    if (c instanceof Node) { const td = el('td'); td.appendChild(c); tr.appendChild(td); }
    else if (c && typeof c === 'object') { tr.appendChild(el('td', c.cls, c.text)); }
    else tr.appendChild(el('td', null, c));
  }
  return tr;
}

function fill(tbody, rows, empty, columns) {
  tbody.replaceChildren();
  if (rows.length === 0) {
    const tr = el('tr', 'empty');
    const td = el('td', null, empty);
    td.colSpan = columns;
    tr.appendChild(td);
    tbody.appendChild(tr);
  }
  for (const r of rows) tbody.appendChild(r);
}

function num(v, digits) {
  if (v === undefined || v === null || v < 0) return '?';
  return Number(v).toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 1 : digits });
}

function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' m ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' m';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}

function when(millis) { return new Date(millis).toLocaleString(); }

function message(text, isError) {
  const m = $('message');
  m.textContent = text;
  m.className = isError ? 'error' : '';
  m.hidden = !text;
}

async function getJson(path) {
  const r = await fetch(path, { cache: 'no-store' });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

async function post(path, fields) {
  const form = new URLSearchParams();
  for (const [k, v] of fields) form.append(k, v);
  const r = await fetch(path, {
    method: 'POST', body: form, headers: { 'X-Tasq-Token': state.token },
  });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

// ---- charts: a small line chart in SVG, time on x over the last minutes ----

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function tickLabel(ms) {
  return ms === 0 ? 'now' : ms < 60000 ? '-' + ms / 1000 + ' s' : '-' + ms / 60000 + ' min';
}

// x covers the series so far, at least a minute and at most the last WINDOW_MS; drawn at the
// element's own width so that text is not stretched
function drawChart(node, series, lines, unit) {
  const W = Math.max(320, Math.round(node.clientWidth || 600)), H = 180, L = 46, R = 12, T = 22, B = 20;
  node.setAttribute('viewBox', `0 0 ${W} ${H}`);
  node.replaceChildren();
  const end = series.length ? series[series.length - 1].t : Date.now();
  const span = Math.min(WINDOW_MS, Math.max(60000, series.length ? end - series[0].t : 0));
  const start = end - span;
  let max = 0;
  for (const p of series) for (const l of lines) max = Math.max(max, p[l.key] > 0 ? p[l.key] : 0);
  max = niceMax(max);
  const x = t => L + (t - start) / span * (W - L - R);
  const y = v => T + (1 - Math.max(0, v) / max) * (H - T - B);
  for (let i = 0; i <= 4; i++) {
    const v = max * i / 4;
    node.appendChild(svg('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    node.appendChild(svg('text', { class: 'axis', x: L - 6, y: y(v) + 3, 'text-anchor': 'end' }, num(v, 2)));
  }
  const step = [10000, 15000, 30000, 60000, 120000, 300000].find(s => span / s <= 6);
  for (let back = 0; back <= span; back += step) {
    node.appendChild(svg('text', { class: 'axis', x: x(end - back), y: H - 5,
      'text-anchor': back === 0 ? 'end' : back + step > span ? 'start' : 'middle' }, tickLabel(back)));
  }
  let lx = L;
  const last = series.length ? series[series.length - 1] : null;
  for (const l of lines) {
    const pts = series.filter(p => p[l.key] >= 0).map(p => x(p.t).toFixed(1) + ',' + y(p[l.key]).toFixed(1));
    node.appendChild(svg('polyline', { class: 's-' + l.key, points: pts.join(' '), 'data-series': l.key }));
    const label = l.label + ' ' + (last && last[l.key] >= 0 ? num(last[l.key], 2) + unit : '?');
    node.appendChild(svg('rect', { class: 's-' + l.key, x: lx, y: 6, width: 10, height: 10, rx: 2 }));
    node.appendChild(svg('text', { class: 'legend', x: lx + 14, y: 15 }, label));
    lx += 22 + label.length * 6.2;
  }
  node.dataset.points = String(series.length);
  node.dataset.last = last ? String(last.t) : '';
}

// ---- the parts of the page ----

function showOverview(o) {
  $('queue').textContent = o.queue;
  const status = $('status');
  status.textContent = o.error ? 'unreachable' : 'live';
  status.className = 'badge ' + (o.error ? 'down' : 'live');
  if (o.error) message(o.error, true);
  state.actions = o.actions;
  showMode();
  const series = o.series;
  const last = series.length ? series[series.length - 1] : null;
  $('stat-workers').textContent = o.workers.length;
  $('stat-ok').textContent = last ? num(last.ok) : '–';
  $('stat-failed').textContent = last ? num(last.failed) : '–';
  $('stat-latency').textContent = last ? num(last.p50) + ' / ' + num(last.p99) + ' ms' : '–';
  $('stat-depth').textContent = num(o.depth.waiting, 0) + ' · ' + num(o.depth.inFlight, 0) + ' · '
    + num(o.depth.delayed, 0);
  if (o.deadLetters >= 0) $('stat-dead').textContent = num(o.deadLetters, 0);
  drawChart($('chart-throughput'), series, [{ key: 'ok', label: 'succeeded' }, { key: 'failed', label: 'failed' }], '/s');
  drawChart($('chart-latency'), series, [{ key: 'p50', label: 'p50' }, { key: 'p99', label: 'p99' }], ' ms');
  drawChart($('chart-depth'), series, [{ key: 'waiting', label: 'waiting' }, { key: 'inFlight', label: 'in flight' },
    { key: 'delayed', label: 'delayed' }], '');
  const rows = o.workers.map(w => {
    const tr = row([{ cls: 'mono', text: w.workerId }, w.host, w.pid,
      w.concurrency + ' ' + (w.workerType === 'process' ? 'processes' : 'actors'), ago(o.now - w.startedAt),
      num(w.succeeded, 0), num(w.failed, 0), num(w.rejected, 0), num(w.running, 0), num(w.held, 0),
      num(w.runP50Millis) + ' / ' + num(w.runP99Millis) + ' ms', ago(o.now - w.heartbeatAt) + ' ago']);
    tr.dataset.worker = w.workerId;
    return tr;
  });
  fill($('workers').tBodies[0], rows, 'no live worker', 12);
}

function actionButton(label, cls, onClick) {
  const b = el('button', 'action ' + cls, label);
  b.type = 'button';
  b.disabled = !state.unlocked;
  b.addEventListener('click', onClick);
  return b;
}

function showRecurring(r) {
  $('recurring-error').hidden = true;
  const rows = r.jobs.map(j => {
    const cancel = actionButton('Cancel', 'cancel danger', () => act(
      'Cancel the repeating job "' + j.name + '"?', '/api/recurring/cancel', [['name', j.name]],
      b => (b.cancelled ? 'Cancelled ' : 'No repeating job named ') + j.name));
    const tr = row([{ cls: 'wrap', text: j.name }, { cls: 'mono', text: j.schedule }, when(j.nextRun), num(j.runs, 0),
      { cls: 'mono', text: j.client }, cancel]);
    tr.dataset.name = j.name;
    return tr;
  });
  fill($('recurring').tBodies[0], rows, 'no scheduled job', 6);
}

function showDead(d) {
  $('dead-error').hidden = true;
  $('stat-dead').textContent = num(d.count, 0);
  const rows = d.letters.map(l => {
    const tr = row([{ cls: 'mono', text: l.id }, { cls: 'mono', text: l.jobId || '(unreadable)' },
      { cls: 'wrap', text: l.reason }, l.attempts, when(l.deadAt),
      actionButton('Retry', 'retry', () => act(null, '/api/dead/retry', [['id', l.id]], b => 'Sent back ' + b.retried)),
    ]);
    tr.lastChild.appendChild(actionButton('Purge', 'purge danger', () => act(
      'Delete dead letter ' + l.id + '?', '/api/dead/purge', [['id', l.id]], b => 'Deleted ' + b.purged)));
    tr.dataset.id = l.id;
    return tr;
  });
  fill($('dead').tBodies[0], rows, 'no dead letter', 6);
  const more = $('dead-more');
  more.textContent = 'the oldest ' + d.letters.length + ' of ' + num(d.count, 0) + ' shown';
  more.hidden = d.count <= d.letters.length;
}

function showMode() {
  const mode = $('mode');
  $('token-form').hidden = !state.actions || state.unlocked;
  if (!state.actions) { mode.textContent = 'read-only'; mode.className = 'badge'; }
  else if (state.unlocked) { mode.textContent = 'actions unlocked'; mode.className = 'badge unlocked'; }
  else { mode.textContent = 'locked'; mode.className = 'badge'; }
  for (const b of document.querySelectorAll('button.action')) b.disabled = !state.unlocked;
  for (const b of document.querySelectorAll('button.action')) b.hidden = !state.actions;
}

async function act(question, path, fields, describe) {
  if (question && !window.confirm(question)) return;
  try {
    const body = await post(path, fields);
    message(describe(body), false);
  } catch (e) {
    message(e.message, true);
  }
  refreshLists();
}

async function unlock(token) {
  state.token = token;
  try {
    await post('/api/auth', []);
    state.unlocked = true;
    sessionStorage.setItem('tasq-token', token);
    message('', false);
  } catch (e) {
    state.unlocked = false;
    sessionStorage.removeItem('tasq-token');
    message(e.message, true);
  }
  showMode();
}

// ---- polling ----

async function refreshOverview() {
  try {
    showOverview(await getJson('/api/overview'));
  } catch (e) {
    $('status').textContent = 'dashboard unreachable';
    $('status').className = 'badge down';
  }
}

async function refreshLists() {
  await Promise.all([
    getJson('/api/recurring').then(showRecurring, e => { const p = $('recurring-error'); p.textContent = e.message; p.hidden = false; }),
    getJson('/api/dead?max=' + DEAD_SHOWN).then(showDead, e => { const p = $('dead-error'); p.textContent = e.message; p.hidden = false; }),
  ]);
  showMode();
}

document.addEventListener('DOMContentLoaded', async () => {
  $('token-form').addEventListener('submit', ev => { ev.preventDefault(); unlock($('token').value); });
  $('retry-all').addEventListener('click', () => act('Send every dead letter back to the queue?', '/api/dead/retry', [],
    b => 'Sent back ' + b.retried));
  $('purge-all').addEventListener('click', () => act('Delete every dead letter?', '/api/dead/purge', [],
    b => 'Deleted ' + b.purged));
  await refreshOverview();
  if (state.actions && state.token) await unlock(state.token);
  refreshLists();
  setInterval(refreshOverview, 2000);
  setInterval(refreshLists, 5000);
});
