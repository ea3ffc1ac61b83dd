// The live page at GET / until the dashboard replaces it. Pushed text is only ever set as
// textContent, and the CSP forbids inline script, so a pushed <img onerror> stays text.

export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>webstream</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0 auto; max-width: 60rem; padding: 1rem; }
  #status { font-weight: 600; }
  #status[data-state="open"] { color: #15803d; }
  #status[data-state="error"] { color: #b91c1c; }
  ol { list-style: none; padding: 0; }
  li { border-left: 4px solid #64748b; margin: .4rem 0; padding: .3rem .6rem; white-space: pre-wrap; word-break: break-word; }
  li[data-type="warning"] { border-color: #d97706; } li[data-type="error"] { border-color: #dc2626; }
  li[data-type="success"] { border-color: #16a34a; } li[data-type="info"] { border-color: #2563eb; }
  small { opacity: .7; } form[hidden] { display: none; }
</style>
</head>
<body>
<h1>webstream</h1>
<p>Stream: <span id="status" data-state="connecting">connecting…</span> · <span id="count">0</span> events</p>
<form id="login" hidden><label>Token <input id="token" type="password" autocomplete="off"></label> <button>Connect</button></form>
<ol id="events"></ol>
<script src="/page.js"></script>
</body>
</html>
`;

export const PAGE_JS = `'use strict';
const list = document.getElementById('events');
const status = document.getElementById('status');
const count = document.getElementById('count');
const login = document.getElementById('login');
let received = 0;
let source;

function setStatus(state, text) { status.dataset.state = state; status.textContent = text; }

function render(msg) {
  const item = document.createElement('li');
  item.dataset.type = msg.type;
  const meta = document.createElement('small');
  meta.textContent = msg.timestamp + ' · ' + msg.channel + ' · ' + msg.type + ' · #' + msg.id;
  const body = document.createElement('div');
  body.textContent = msg.message !== undefined ? msg.message : JSON.stringify(msg.data, null, 2);
  item.append(meta, body);
  list.prepend(item);
  while (list.childElementCount > 500) list.lastElementChild.remove();
  count.textContent = String(++received);
}

function connect() {
  source = new EventSource('/stream?format=json&replay=50');
  source.onopen = () => setStatus('open', 'connected');
  source.onerror = () => setStatus('error', 'reconnecting…');
  source.onmessage = (e) => render(JSON.parse(e.data));
  source.addEventListener('gap', (e) => setStatus('open', 'connected (gap: ' + e.data + ')'));
}

fetch('/api/stats', { credentials: 'same-origin' }).then((res) => {
  if (res.status === 401) {
    setStatus('error', 'token required');
    login.hidden = false;
  } else connect();
});

login.addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await fetch('/api/session', { method: 'POST', headers: { authorization: 'Bearer ' + document.getElementById('token').value } });
  if (res.ok) { login.hidden = true; connect(); } else setStatus('error', 'wrong token');
});
`;
