/* pgdba HTML report. Every piece of data goes into the page through textContent or an SVG text
   node, never parsed as markup: the logged text it shows is attacker-controlled. */
(function () {
  'use strict';
  var errors = [];
  function recordError(msg) {
    errors.push(String(msg));
    var box = document.getElementById('pgdba-errors');
    if (box) { box.textContent = errors.join('\n'); }
  }
  window.addEventListener('error', function (e) { recordError('error: ' + e.message); });
  var consoleError = console.error;
  console.error = function () {
    recordError('console.error: ' + Array.prototype.join.call(arguments, ' '));
    consoleError.apply(console, arguments);
  };

  var D = JSON.parse(document.getElementById('pgdba-data').textContent);
  var X = D.html || {};
  var SVGNS = 'http://www.w3.org/2000/svg';

  // ---- small DOM helpers -----------------------------------------------------------------
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] == null) { continue; }
        if (k === 'text') { e.textContent = attrs[k]; }
        else if (k === 'cls') { e.className = attrs[k]; }
        else if (k.slice(0, 2) === 'on') { e.addEventListener(k.slice(2), attrs[k]); }
        else { e.setAttribute(k, attrs[k]); }
      }
    }
    for (var i = 2; i < arguments.length; i++) { add(e, arguments[i]); }
    return e;
  }
  function add(parent, child) {
    if (child == null || child === false) { return parent; }
    if (Array.isArray(child)) { child.forEach(function (c) { add(parent, c); }); return parent; }
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    return parent;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) {
      if (k === 'text') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    }
    return e;
  }
  function num(v) { return v == null ? '' : Number(v).toLocaleString('en-US'); }
  function ms(v) {
    if (v == null) { return ''; }
    if (v >= 3600000) { return (v / 3600000).toFixed(1) + ' h'; }
    if (v >= 60000) { return (v / 60000).toFixed(1) + ' min'; }
    if (v >= 1000) { return (v / 1000).toFixed(2) + ' s'; }
    return (v >= 10 ? v.toFixed(1) : v.toFixed(2)) + ' ms';
  }
  function bytes(v) {
    if (v == null) { return ''; }
    var u = ['B', 'kB', 'MB', 'GB', 'TB'];
    var i = 0;
    while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
    return (i ? v.toFixed(1) : v) + ' ' + u[i];
  }
  function pct(v) { return v == null ? '' : v.toFixed(1) + ' %'; }
  function short(s, n) { s = s == null ? '' : String(s); return s.length > n ? s.slice(0, n) + '…' : s; }
  function keys(o) { return o ? Object.keys(o) : []; }
  function section(title) { return el('section', null, el('h2', { text: title })); }
  function panel() { var p = el('div', { cls: 'panel' }); for (var i = 0; i < arguments.length; i++) { add(p, arguments[i]); } return p; }
  function kv(pairs) {
    var g = el('div', { cls: 'kv' });
    pairs.forEach(function (p) {
      if (p[1] == null || p[1] === '') { return; }
      add(g, [el('div', { cls: 'k', text: p[0] }), el('div', { text: String(p[1]) })]);
    });
    return g;
  }
  function sev(s) { return el('span', { cls: 'sev ' + (s || 'info'), text: s || 'info' }); }
  function link(href, text) { return el('a', { href: href, text: text }); }
  function empty(text) { return el('p', { cls: 'empty', text: text }); }

  /* A table over rows of objects; columns [{key, label, num, fmt, sql}], sortable headers. */
  function table(rows, columns, opts) {
    opts = opts || {};
    var state = { key: opts.sortKey || null, desc: true, page: 0 };
    var pageSize = opts.pageSize || 50;
    var wrap = el('div');
    function draw() {
      wrap.textContent = '';
      var sorted = rows;
      if (state.key) {
        var k = state.key;
        sorted = rows.slice().sort(function (a, b) {
          var x = a[k], y = b[k];
          if (x == null) { return 1; } if (y == null) { return -1; }
          var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
          return state.desc ? -c : c;
        });
      }
      var pages = Math.max(1, Math.ceil(sorted.length / pageSize));
      if (state.page >= pages) { state.page = pages - 1; }
      var t = el('table');
      var tr = el('tr');
      columns.forEach(function (c) {
        var th = el('th', { cls: 'sortable' + (c.num ? ' num' : '') +
          (state.key === c.key ? (state.desc ? ' sorted-desc' : ' sorted-asc') : ''), text: c.label,
          onclick: function () {
            if (state.key === c.key) { state.desc = !state.desc; } else { state.key = c.key; state.desc = true; }
            state.page = 0; draw();
          } });
        tr.appendChild(th);
      });
      t.appendChild(el('thead', null, tr));
      var tb = el('tbody');
      sorted.slice(state.page * pageSize, (state.page + 1) * pageSize).forEach(function (r) {
        var row = el('tr', opts.onrow ? { cls: 'clickable', onclick: function () { opts.onrow(r); } } : null);
        columns.forEach(function (c) {
          var v = r[c.key];
          var shown = c.fmt ? c.fmt(v, r) : (v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : v);
          var td = el('td', { cls: c.num ? 'num' : c.sql ? 'sql' : null });
          if (shown instanceof Node) { td.appendChild(shown); } else { td.textContent = String(shown); }
          if (c.sql) { td.title = v == null ? '' : String(v).slice(0, 2000); }
          row.appendChild(td);
        });
        tb.appendChild(row);
      });
      t.appendChild(tb);
      wrap.appendChild(t);
      if (pages > 1) {
        wrap.appendChild(el('div', { cls: 'pager' },
          el('button', { text: '‹ previous', onclick: function () { if (state.page > 0) { state.page--; draw(); } } }),
          el('span', { text: 'page ' + (state.page + 1) + ' of ' + pages + ' (' + num(sorted.length) + ' rows)' }),
          el('button', { text: 'next ›', onclick: function () { if (state.page < pages - 1) { state.page++; draw(); } } })));
      }
    }
    draw();
    return wrap;
  }

  // ---- charts (uPlot) ---------------------------------------------------------------------
  var charts = [];
  function chartWidth() { return Math.max(420, Math.min(1700, document.querySelector('main').clientWidth - 60)); }
  function chart(title, xs, ys, color, fmt, opts) {
    var box = el('div', { cls: 'chart' }, el('div', { cls: 'title', text: title }));
    if (typeof uPlot === 'undefined') { box.appendChild(empty('chart library missing')); return box; }
    var u = new uPlot({
      width: (opts && opts.width) || chartWidth(), height: (opts && opts.height) || 170,
      cursor: { sync: { key: 'pgdba' }, drag: { x: true, y: false } },
      legend: { show: true },
      // one slice alone would stretch the axis over years: pad it by a slice each side
      scales: { x: { time: true, range: function (u, min, max) {
        return min === max ? [min - 300, max + 300] : [min, max];
      } } },
      series: [{}, { label: title, stroke: color, fill: color + '22', width: 1.5,
        value: function (u, v) { return v == null ? '' : fmt(v); } }],
      axes: [{}, { values: function (u, vals) { return vals.map(function (v) { return fmt(v); }); }, size: 70 }]
    }, [xs, ys], box);
    charts.push(u);
    return box;
  }
  function resetZoom() {
    charts.forEach(function (u) {
      var xs = u.data[0];
      if (xs.length) { u.setScale('x', { min: xs[0], max: xs[xs.length - 1] }); }
    });
  }
  function epoch(iso) { return Date.parse(iso) / 1000; }

  // ---- navigation -------------------------------------------------------------------------
  var routes = [
    ['overview', 'Overview', overview],
    ['timeline', 'Time series', timeline],
    ['queries', 'Queries', queries],
    ['recommendations', 'Indexes', recommendations],
    ['findings', 'Findings', findings],
    ['plans', 'Plans', plans],
    ['schema', 'Schema', schema]
  ];
  if (D.history || D.trends || D.regressions) { routes.push(['history', 'History', history]); }
  if (D.log) { routes.push(['log', 'Log', logSections]); }

  var main, navLinks = {};
  function build() {
    var s = D.summary || {};
    var nav = el('nav');
    routes.forEach(function (r) {
      navLinks[r[0]] = el('a', { href: '#' + r[0], text: r[1], 'data-route': r[0] });
      nav.appendChild(navLinks[r[0]]);
    });
    var period = s.firstTimestamp ? s.firstTimestamp + ' → ' + s.lastTimestamp : 'from pg_stat_statements';
    document.body.appendChild(el('header', null, el('h1', { text: 'pgdba report' }), nav,
      el('span', { cls: 'period', text: period })));
    main = el('main', { id: 'main' });
    document.body.appendChild(main);
    document.body.appendChild(el('pre', { id: 'pgdba-errors' }));
    window.addEventListener('hashchange', route);
    route();
  }
  function route() {
    var h = decodeURIComponent(location.hash.replace(/^#/, '')) || 'overview';
    var name = h.split('/')[0];
    var arg = h.slice(name.length + 1);
    charts.forEach(function (u) { u.destroy(); });
    charts = [];
    main.textContent = '';
    var r = routes.filter(function (x) { return x[0] === name; })[0];
    if (name === 'query') { r = ['queries', '', function () { return queryDetail(arg); }]; }
    if (!r) { r = routes[0]; }
    for (var k in navLinks) { navLinks[k].className = k === r[0] ? 'active' : ''; }
    var content = r[2](arg);
    content.id = 'view-' + name;
    content.setAttribute('data-view', name);
    main.appendChild(content);
    document.body.setAttribute('data-route', name);
    window.scrollTo(0, 0);
  }

  // ---- overview ---------------------------------------------------------------------------
  function overview() {
    var s = D.summary || {};
    var sec = section('Overview');
    var cards = el('div', { cls: 'cards' });
    [['Statements', num(s.statements)], ['Distinct queries', num(s.distinctQueries)],
      ['Total time', ms(s.totalTimeMs)], ['Errors', num(s.errors)], ['Temp files', num(s.tempFiles) +
        (s.tempFileBytes ? ' (' + bytes(s.tempFileBytes) + ')' : '')],
      ['Checkpoints', num(s.checkpoints)], ['Lock waits', num(s.lockWaits)], ['Deadlocks', num(s.deadlocks)],
      ['Connections', num(s.connections)], ['Autovacuums', num(s.autovacuums)],
      ['Index advice', D.recommendations ? num(D.recommendations.length) : 'no target'],
      ['Findings', num((D.findings || []).length)]].forEach(function (c) {
      cards.appendChild(el('div', { cls: 'card' }, el('div', { cls: 'v', text: c[1] || '0' }), el('div', { cls: 'k', text: c[0] })));
    });
    sec.appendChild(cards);
    sec.appendChild(panel(el('h3', { text: 'Do first' }), todo()));
    var top = (D.queries || []).slice(0, 5);
    sec.appendChild(panel(el('h3', { text: 'Where the time goes' }), top.length ? table(top, queryColumns(), {
      onrow: function (q) { location.hash = '#query/' + encodeURIComponent(q.fingerprint); }, pageSize: 5 }) : empty('no queries')));
    var tl = timelineData();
    if (tl && tl.buckets.length > 1) {
      sec.appendChild(panel(chart('Statements per ' + slice(tl.bucketSeconds), tl.buckets.map(function (b) { return epoch(b.start); }),
        tl.buckets.map(function (b) { return b.statements; }), '#2f6fde', num, { height: 140 })));
    }
    var sources = D.sources || [];
    if (sources.length) {
      sec.appendChild(panel(el('h3', { text: 'Sources' }), table(sources, [
        { key: 'source', label: 'source' }, { key: 'format', label: 'format' },
        { key: 'linesRead', label: 'lines', num: true, fmt: num },
        { key: 'unparsedLines', label: 'unparsed', num: true, fmt: num },
        { key: 'bytesRead', label: 'bytes', num: true, fmt: bytes }])));
    }
    if ((D.warnings || []).length) {
      var ul = el('ul');
      D.warnings.forEach(function (w) { ul.appendChild(el('li', { text: w })); });
      sec.appendChild(panel(el('h3', { text: 'Warnings' }), ul));
    }
    return sec;
  }
  function slice(sec) {
    if (!sec) { return 'slice'; }
    if (sec % 3600 === 0) { return sec / 3600 + ' h'; }
    if (sec % 60 === 0) { return sec / 60 + ' min'; }
    return sec + ' s';
  }
  /* The few things to do first: the best index advice, the most severe findings, the query that
     costs the most time, each linking to its detail. */
  function todo() {
    var ul = el('ol', { cls: 'todo' });
    var recs = (D.recommendations || []).filter(function (r) { return r.kind !== 'DropIndex'; })
      .slice().sort(function (a, b) { return (b.estimatedImprovementPercent || 0) - (a.estimatedImprovementPercent || 0); });
    recs.slice(0, 3).forEach(function (r) {
      ul.appendChild(el('li', null, 'Create index ', el('code', { text: r.indexName || '' }), ' on ' + r.table +
        ' (' + pct(r.estimatedImprovementPercent) + ' less cost on its queries) — ', link('#recommendations', 'DDL')));
    });
    (D.findings || []).filter(function (f) { return f.severity !== 'info'; }).slice(0, 3).forEach(function (f) {
      ul.appendChild(el('li', null, sev(f.severity), ' ', f.title || f.kind, ' — ', link('#findings', 'details')));
    });
    var q = (D.queries || [])[0];
    if (q) {
      ul.appendChild(el('li', null, 'Look at the query that takes the most time (' + ms(q.totalTimeMs) + ' in ' + num(q.calls) +
        ' calls): ', link('#query/' + encodeURIComponent(q.fingerprint), short(q.query, 80))));
    }
    return ul.childNodes.length ? ul : empty('nothing stands out');
  }

  // ---- time series ------------------------------------------------------------------------
  function timelineData() {
    if (D.log && D.log.timeline && (D.log.timeline.buckets || []).length) { return D.log.timeline; }
    return X.timeline && (X.timeline.buckets || []).length ? X.timeline : null;
  }
  function timeline() {
    var sec = section('Time series');
    var tl = timelineData();
    if (!tl) { sec.appendChild(empty('no timed events in this input (pg_stat_statements has no time series)')); return sec; }
    var xs = tl.buckets.map(function (b) { return epoch(b.start); });
    sec.appendChild(el('div', { cls: 'toolbar' }, el('span', { cls: 'muted', text: 'Slices of ' + slice(tl.bucketSeconds) +
      '. Drag across a chart to zoom (all charts follow);' }), el('button', { text: 'reset zoom', id: 'reset-zoom', onclick: resetZoom })));
    var p = panel();
    [['statements', 'Statements', '#2f6fde', num], ['totalTimeMs', 'Total time', '#7b3fb8', ms],
      ['p95Ms', 'p95 duration', '#c77700', ms], ['errors', 'Errors', '#c62828', num],
      ['tempFiles', 'Temp files', '#00838f', num], ['checkpoints', 'Checkpoints', '#5d4037', num],
      ['connections', 'Connections', '#2e7d32', num]].forEach(function (m) {
      if (!tl.buckets.some(function (b) { return b[m[0]] != null; })) { return; }
      p.appendChild(chart(m[1], xs, tl.buckets.map(function (b) { return b[m[0]] == null ? null : b[m[0]]; }), m[2], m[3]));
    });
    sec.appendChild(p);
    if (tl.peak) {
      sec.appendChild(panel(kv([['Busiest slice', tl.peak.start], ['statements', num(tl.peak.statements)], ['total time', ms(tl.peak.totalTimeMs)]])));
    }
    return sec;
  }

  // ---- queries ----------------------------------------------------------------------------
  function queryColumns() {
    return [
      { key: 'query', label: 'query', sql: true, fmt: function (v) { return short(v, 300); } },
      { key: 'calls', label: 'calls', num: true, fmt: num },
      { key: 'totalTimeMs', label: 'total', num: true, fmt: ms },
      { key: 'meanTimeMs', label: 'mean', num: true, fmt: ms },
      { key: 'p95TimeMs', label: 'p95', num: true, fmt: ms },
      { key: 'maxTimeMs', label: 'max', num: true, fmt: ms }];
  }
  var queryFilter = { text: '', database: '', user: '', application: '' };
  function queries() {
    var sec = section('Queries');
    var all = D.queries || [];
    var body = el('div');
    function choices(field) {
      var seen = {};
      all.forEach(function (q) { keys(q[field]).forEach(function (k) { seen[k] = (seen[k] || 0) + q[field][k]; }); });
      return Object.keys(seen).sort(function (a, b) { return seen[b] - seen[a]; });
    }
    function select(field, label, key) {
      var s = el('select', { 'data-filter': key, onchange: function () { queryFilter[key] = s.value; draw(); } },
        el('option', { value: '', text: 'any ' + label }));
      choices(field).slice(0, 500).forEach(function (c) { s.appendChild(el('option', { value: c, text: short(c, 60) })); });
      s.value = queryFilter[key];
      return s;
    }
    var search = el('input', { type: 'search', placeholder: 'text in the query', value: queryFilter.text, id: 'query-search' });
    var timer;
    search.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { queryFilter.text = search.value; draw(); }, 150); });
    sec.appendChild(el('div', { cls: 'toolbar' }, search, select('databases', 'database', 'database'),
      select('users', 'user', 'user'), select('applications', 'application', 'application')));
    function draw() {
      var t = queryFilter.text.toLowerCase();
      var rows = all.filter(function (q) {
        return (!t || (q.query || '').toLowerCase().indexOf(t) >= 0) &&
          (!queryFilter.database || (q.databases && q.databases[queryFilter.database] != null)) &&
          (!queryFilter.user || (q.users && q.users[queryFilter.user] != null)) &&
          (!queryFilter.application || (q.applications && q.applications[queryFilter.application] != null));
      });
      body.textContent = '';
      body.appendChild(table(rows, queryColumns(), { sortKey: 'totalTimeMs', pageSize: 50,
        onrow: function (q) { location.hash = '#query/' + encodeURIComponent(q.fingerprint); } }));
    }
    draw();
    sec.appendChild(panel(body));
    return sec;
  }
  function queryDetail(fp) {
    var q = (D.queries || []).filter(function (x) { return x.fingerprint === fp; })[0];
    var sec = section('Query ' + fp);
    sec.insertBefore(el('p', null, link('#queries', '← all queries')), sec.firstChild.nextSibling);
    if (!q) { sec.appendChild(empty('no such query in this report')); return sec; }
    var extra = (X.queries || {})[fp] || {};
    sec.appendChild(panel(el('h3', { text: 'Normalized text' }), el('pre', { cls: 'query-text', text: q.query })));
    if (q.example) {
      var ex = panel(el('h3', { text: 'Example (the slowest logged execution, parameters substituted)' }),
        el('pre', { cls: 'query-example', text: q.example }));
      if (extra.exampleParameters) {
        add(ex, el('div', { cls: 'muted', text: 'parameters: ' + extra.exampleParameters.map(function (p, i) { return '$' + (i + 1) + ' = ' + p; }).join(', ') }));
      }
      sec.appendChild(ex);
    }
    var grid = el('div', { cls: 'grid2' });
    grid.appendChild(panel(el('h3', { text: 'Timing' }), kv([['calls', num(q.calls)], ['total', ms(q.totalTimeMs)],
      ['mean', ms(q.meanTimeMs)], ['min', ms(q.minTimeMs)], ['p50', ms(q.p50TimeMs)], ['p95', ms(q.p95TimeMs)],
      ['p99', ms(q.p99TimeMs)], ['max', ms(q.maxTimeMs)], ['first seen', q.firstSeen], ['last seen', q.lastSeen]])));
    grid.appendChild(panel(el('h3', { text: 'Who runs it' }), kv([['databases', countList(q.databases)],
      ['users', countList(q.users)], ['applications', countList(q.applications)]])));
    sec.appendChild(grid);
    if (extra.series) {
      var p = panel(el('h3', { text: 'Over time' }));
      p.appendChild(chart('Calls', extra.series[0], extra.series[1], '#2f6fde', num));
      p.appendChild(chart('Time', extra.series[0], extra.series[2], '#7b3fb8', ms));
      sec.appendChild(p);
    }
    var recs = (D.recommendations || []).filter(function (r) {
      return (r.affectedQueries || []).some(function (a) { return a.fingerprint === fp; });
    });
    if (recs.length) { sec.appendChild(panel(el('h3', { text: 'Index advice for this query' }), recs.map(recommendationView))); }
    var skipped = (D.skippedQueries || []).filter(function (s) { return s.fingerprint === fp; });
    if (skipped.length) { sec.appendChild(panel(el('h3', { text: 'Why no index' }), skipped.map(function (s) { return el('p', { text: s.reason }); }))); }
    if (extra.examplePlan) { sec.appendChild(panel(el('h3', { text: 'auto_explain plan' }), planView(extra.examplePlan))); }
    return sec;
  }
  function countList(o) { return keys(o).map(function (k) { return k + ' (' + num(o[k]) + ')'; }).join(', '); }

  // ---- recommendations --------------------------------------------------------------------
  function recommendations() {
    var sec = section('Index recommendations');
    if (!D.recommendations) { sec.appendChild(empty('no target database was given (--db), so no index advice')); return sec; }
    if (!D.recommendations.length) { sec.appendChild(empty('no index would help enough')); }
    D.recommendations.forEach(function (r) { sec.appendChild(panel(recommendationView(r))); });
    if ((D.skippedQueries || []).length) {
      sec.appendChild(panel(el('h3', { text: 'Queries left alone, and why' }), table(D.skippedQueries.map(function (s) {
        var q = (D.queries || []).filter(function (x) { return x.fingerprint === s.fingerprint; })[0];
        return { fingerprint: s.fingerprint, query: q ? q.query : '', reason: s.reason };
      }), [{ key: 'query', label: 'query', sql: true }, { key: 'reason', label: 'reason' }], {
        onrow: function (s) { location.hash = '#query/' + encodeURIComponent(s.fingerprint); } })));
    }
    return sec;
  }
  function recommendationView(r) {
    var box = el('div', { cls: 'recommendation' });
    add(box, el('h3', { text: (r.kind === 'DropIndex' ? 'Drop ' : 'Create ') + (r.indexName || '') + ' on ' + (r.schema ? r.schema + '.' : '') + r.table }));
    add(box, kv([['improvement', pct(r.estimatedImprovementPercent)], ['estimated by', r.estimateMethod],
      ['size', r.estimatedSizeBytes ? bytes(r.estimatedSizeBytes) : ''], ['write overhead', r.writeOverhead],
      ['why', r.reason], ['how to run it', r.guidance]]));
    add(box, [el('div', { cls: 'muted', text: 'DDL' }), el('pre', { cls: 'ddl', text: r.ddl }),
      el('div', { cls: 'muted', text: 'rollback' }), el('pre', { cls: 'rollback', text: r.rollbackDdl })]);
    var aq = r.affectedQueries || [];
    if (aq.length) {
      add(box, table(aq.map(function (a) {
        var q = (D.queries || []).filter(function (x) { return x.fingerprint === a.fingerprint; })[0];
        return { fingerprint: a.fingerprint, query: q ? q.query : a.fingerprint, calls: a.calls, costBefore: a.costBefore,
          costAfter: a.costAfter, gain: a.costBefore ? 100 * (a.costBefore - a.costAfter) / a.costBefore : null, plans: a };
      }), [{ key: 'query', label: 'query', sql: true }, { key: 'calls', label: 'calls', num: true, fmt: num },
        { key: 'costBefore', label: 'cost before', num: true, fmt: num },
        { key: 'costAfter', label: 'cost after', num: true, fmt: num },
        { key: 'gain', label: 'gain', num: true, fmt: function (v, row) {
          var b = el('div', { cls: 'bar', title: pct(v) }, el('span'));
          b.firstChild.style.width = Math.max(0, Math.min(100, v || 0)) + '%';
          return el('div', null, pct(v), b);
        } }], { onrow: function (x) { location.hash = '#query/' + encodeURIComponent(x.fingerprint); } }));
      aq.forEach(function (a) {
        if (a.planBefore || a.planAfter) {
          var g = el('div', { cls: 'grid2' });
          if (a.planBefore) { g.appendChild(el('div', null, el('div', { cls: 'muted', text: 'plan before (' + short(a.fingerprint, 20) + ')' }), planView(a.planBefore))); }
          if (a.planAfter) { g.appendChild(el('div', null, el('div', { cls: 'muted', text: 'plan after, with the index' }), planView(a.planAfter))); }
          add(box, g);
        }
      });
    }
    return box;
  }

  // ---- findings ---------------------------------------------------------------------------
  function findings() {
    var sec = section('Findings');
    var all = D.findings || [];
    if (!all.length) { sec.appendChild(empty('no findings (the table, query and configuration advisors need --db)')); return sec; }
    var cats = {};
    all.forEach(function (f) { cats[f.category] = (cats[f.category] || 0) + 1; });
    var body = el('div');
    var sel = el('select', { onchange: function () { draw(); } }, el('option', { value: '', text: 'every category' }));
    keys(cats).sort().forEach(function (c) { sel.appendChild(el('option', { value: c, text: c + ' (' + cats[c] + ')' })); });
    sec.appendChild(el('div', { cls: 'toolbar' }, sel));
    function draw() {
      body.textContent = '';
      all.filter(function (f) { return !sel.value || f.category === sel.value; }).forEach(function (f) {
        var p = panel(el('h3', null, sev(f.severity), ' ', f.title || f.kind));
        p.className += ' finding';
        add(p, kv([['category', f.category], ['kind', f.kind], ['object', f.object], ['advice', f.advice]]));
        var ev = keys(f.evidence);
        if (ev.length) {
          add(p, el('details', null, el('summary', { text: 'evidence' }), kv(ev.map(function (k) {
            var v = f.evidence[k];
            return [k, typeof v === 'object' && v != null ? JSON.stringify(v) : v];
          }))));
        }
        if (f.sql) { add(p, [el('div', { cls: 'muted', text: 'SQL' }), el('pre', { text: f.sql })]); }
        if (f.rollbackSql) { add(p, [el('div', { cls: 'muted', text: 'rollback' }), el('pre', { text: f.rollbackSql })]); }
        body.appendChild(p);
      });
    }
    draw();
    sec.appendChild(body);
    if (D.configuration && D.configuration.script) {
      sec.appendChild(panel(el('h3', { text: 'Configuration to commit' }), el('pre', { text: D.configuration.script })));
    }
    return sec;
  }

  // ---- plans ------------------------------------------------------------------------------
  function allPlans() {
    var list = [];
    (D.recommendations || []).forEach(function (r) {
      (r.affectedQueries || []).forEach(function (a) {
        if (a.planBefore) { list.push({ title: 'before ' + (r.indexName || ''), fingerprint: a.fingerprint, plan: a.planBefore }); }
        if (a.planAfter) { list.push({ title: 'after ' + (r.indexName || ''), fingerprint: a.fingerprint, plan: a.planAfter }); }
      });
    });
    keys(X.queries).forEach(function (fp) {
      if (X.queries[fp].examplePlan) { list.push({ title: 'auto_explain', fingerprint: fp, plan: X.queries[fp].examplePlan }); }
    });
    return list;
  }
  function plans() {
    var sec = section('Plans');
    var list = allPlans();
    if (!list.length) {
      sec.appendChild(empty('no plans: index advice (--db) keeps the plans before and after each index; auto_explain plans in the log show here too'));
      return sec;
    }
    sec.appendChild(el('p', { cls: 'muted', text: 'Each node shows its own share of the plan (its cost, or actual time when the plan was run, minus its children\'s). Red: 30 % or more, orange: 10 % or more. Click a node to fold it.' }));
    list.slice(0, 100).forEach(function (p) {
      var q = (D.queries || []).filter(function (x) { return x.fingerprint === p.fingerprint; })[0];
      sec.appendChild(panel(el('h3', null, p.title + ' — ', link('#query/' + encodeURIComponent(p.fingerprint), short(q ? q.query : p.fingerprint, 120))), planView(p.plan)));
    });
    return sec;
  }
  /* A plan from EXPLAIN (FORMAT JSON) or auto_explain (JSON or text) as nested nodes
     {op, meta, details[], cost, actual, children[]}. */
  function parsePlan(plan) {
    if (typeof plan === 'string') {
      var t = plan.trim();
      if (t[0] === '{' || t[0] === '[') { try { return parsePlan(JSON.parse(t)); } catch (e) { /* text after all */ } }
      return parseTextPlan(plan);
    }
    if (Array.isArray(plan)) { plan = plan[0]; }
    if (plan && plan.Plan) { plan = plan.Plan; }
    return jsonNode(plan || {});
  }
  var SKIP = { 'Node Type': 1, 'Plans': 1, 'Startup Cost': 1, 'Total Cost': 1, 'Plan Rows': 1, 'Plan Width': 1,
    'Actual Startup Time': 1, 'Actual Total Time': 1, 'Actual Rows': 1, 'Actual Loops': 1, 'Parallel Aware': 1,
    'Async Capable': 1, 'Relation Name': 1, 'Alias': 1, 'Index Name': 1, 'Parent Relationship': 1 };
  function jsonNode(p) {
    var op = p['Node Type'] || '?';
    if (p['Index Name']) { op += ' using ' + p['Index Name']; }
    if (p['Relation Name']) { op += ' on ' + p['Relation Name'] + (p.Alias && p.Alias !== p['Relation Name'] ? ' ' + p.Alias : ''); }
    var actual = p['Actual Total Time'] != null ? p['Actual Total Time'] * (p['Actual Loops'] || 1) : null;
    var meta = 'cost ' + p['Startup Cost'] + '..' + p['Total Cost'] + ', rows ' + p['Plan Rows'] +
      (actual != null ? ', actual ' + ms(p['Actual Total Time']) + ' × ' + p['Actual Loops'] + ', rows ' + p['Actual Rows'] : '');
    var details = keys(p).filter(function (k) { return !SKIP[k]; }).map(function (k) {
      return k + ': ' + (typeof p[k] === 'object' ? JSON.stringify(p[k]) : p[k]);
    });
    return { op: op, meta: meta, details: details, cost: p['Total Cost'] || 0, actual: actual,
      children: (p.Plans || []).map(jsonNode) };
  }
  function parseTextPlan(text) {
    var lines = String(text).split('\n');
    var root = null, stack = [];
    lines.forEach(function (line) {
      if (!line.trim() || /^\s*(Query Text|duration):/.test(line)) { return; }
      var m = /^(\s*)(->\s+)?(.*)$/.exec(line);
      var indent = m[1].length;
      var body = m[3];
      var isNode = root === null || !!m[2];
      if (!isNode) { if (stack.length) { stack[stack.length - 1].node.details.push(body.trim()); } return; }
      var cm = /\(cost=([\d.]+)\.\.([\d.]+) rows=(\d+)[^)]*\)/.exec(body);
      var am = /\(actual time=([\d.]+)\.\.([\d.]+) rows=(\d+) loops=(\d+)\)/.exec(body);
      var node = { op: body.replace(/\s*\(cost=.*$/, '').replace(/\s*\(actual .*$/, ''),
        meta: (cm ? 'cost ' + cm[1] + '..' + cm[2] + ', rows ' + cm[3] : '') +
          (am ? (cm ? ', ' : '') + 'actual ' + am[2] + ' ms × ' + am[4] + ', rows ' + am[3] : ''),
        details: [], cost: cm ? parseFloat(cm[2]) : 0,
        actual: am ? parseFloat(am[2]) * parseInt(am[4], 10) : null, children: [] };
      while (stack.length && stack[stack.length - 1].indent >= indent) { stack.pop(); }
      if (!root) { root = node; } else if (stack.length) { stack[stack.length - 1].node.children.push(node); } else { root.children.push(node); }
      stack.push({ indent: indent, node: node });
    });
    return root || { op: '(empty plan)', meta: '', details: [], cost: 0, actual: null, children: [] };
  }
  function planView(plan) {
    var root = parsePlan(plan);
    var useActual = root.actual != null;
    var total = (useActual ? root.actual : root.cost) || 1;
    function own(n) {
      var v = useActual ? n.actual || 0 : n.cost || 0;
      n.children.forEach(function (c) { v -= useActual ? c.actual || 0 : c.cost || 0; });
      return Math.max(0, v);
    }
    function render(n) {
      var share = 100 * own(n) / total;
      var d = el('details', { cls: 'plan-node' + (share >= 30 ? ' hot' : share >= 10 ? ' warm' : ''), open: '' });
      d.appendChild(el('summary', null, el('span', { cls: 'share', text: share.toFixed(0) + ' %' }),
        el('span', { cls: 'op', text: n.op }), el('span', { cls: 'meta', text: n.meta })));
      n.details.forEach(function (t) { d.appendChild(el('div', { cls: 'detail', text: short(t, 400) })); });
      n.children.forEach(function (c) { d.appendChild(render(c)); });
      return d;
    }
    return el('div', { cls: 'plan' }, render(root));
  }

  // ---- schema diagram ---------------------------------------------------------------------
  function schema() {
    var sec = section('Schema');
    var sc = X.schema;
    if (!sc || !(sc.tables || []).length) {
      sec.appendChild(empty('no schema: the diagram needs a target database (--db)'));
      return sec;
    }
    sec.appendChild(el('p', { cls: 'muted', text: 'Tables the workload touches and their foreign keys (arrow to the referenced table). Green border: an index is recommended on it. Referenced tables to the left.' }));
    var p = panel();
    p.className += ' schema';
    p.appendChild(diagram(sc));
    sec.appendChild(p);
    sec.appendChild(panel(table(sc.tables, [{ key: 'name', label: 'table' }, { key: 'rows', label: 'rows', num: true, fmt: num },
      { key: 'totalSizeBytes', label: 'size', num: true, fmt: bytes }, { key: 'indexes', label: 'indexes', num: true },
      { key: 'recommended', label: 'recommended', fmt: function (v) { return (v || []).join(', '); } }])));
    return sec;
  }
  /* Layered layout: a table's column is the length of the longest chain of foreign keys it
     starts, so referenced tables sit left of the tables that reference them; columns wrap into
     several sub-columns when tall, so 50 tables stay readable. */
  function diagram(sc) {
    var byName = {};
    sc.tables.forEach(function (t) { byName[t.name] = t; });
    var out = {};
    (sc.foreignKeys || []).forEach(function (f) {
      if (byName[f.from] && byName[f.to] && f.from !== f.to) { (out[f.from] = out[f.from] || []).push(f.to); }
    });
    var depth = {};
    function d(name, seen) {
      if (depth[name] != null) { return depth[name]; }
      if (seen[name]) { return 0; }
      seen[name] = 1;
      var v = 0;
      (out[name] || []).forEach(function (to) { v = Math.max(v, 1 + d(to, seen)); });
      delete seen[name];
      depth[name] = v;
      return v;
    }
    sc.tables.forEach(function (t) { d(t.name, {}); });
    var layers = [];
    sc.tables.forEach(function (t) { (layers[depth[t.name]] = layers[depth[t.name]] || []).push(t); });
    var W = 210, GAP = 70, VGAP = 16, PER = 10;
    var pos = {}, x = 20, maxY = 0;
    layers.forEach(function (layer) {
      if (!layer) { return; }
      layer.sort(function (a, b) { return a.name.localeCompare(b.name); });
      for (var i = 0; i < layer.length; i += PER) {
        var y = 20;
        layer.slice(i, i + PER).forEach(function (t) {
          var h = 40 + 14 * Math.min(3, (t.recommended || []).length);
          pos[t.name] = { x: x, y: y, h: h };
          y += h + VGAP;
        });
        maxY = Math.max(maxY, y);
        x += W + GAP;
      }
    });
    var s = svg('svg', { width: x, height: maxY + 10, viewBox: '0 0 ' + x + ' ' + (maxY + 10), role: 'img' });
    var defs = svg('defs', {});
    var marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
    marker.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8a96ad' }));
    defs.appendChild(marker);
    s.appendChild(defs);
    (sc.foreignKeys || []).forEach(function (f) {
      var a = pos[f.from], b = pos[f.to];
      if (!a || !b || f.from === f.to) { return; }
      var x1 = a.x, y1 = a.y + a.h / 2, x2 = b.x + W, y2 = b.y + b.h / 2;
      if (b.x >= a.x) { x1 = a.x + W; x2 = b.x; }
      var mx = (x1 + x2) / 2;
      var path = svg('path', { 'class': 'fk', d: 'M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2, 'marker-end': 'url(#arrow)' });
      path.appendChild(svg('title', { text: f.from + ' (' + (f.columns || []).join(', ') + ') → ' + f.to }));
      s.appendChild(path);
    });
    sc.tables.forEach(function (t) {
      var p = pos[t.name];
      var g = svg('g', { 'class': 'tbl' + ((t.recommended || []).length ? ' rec' : ''), transform: 'translate(' + p.x + ',' + p.y + ')' });
      g.appendChild(svg('rect', { 'class': 'box', width: W, height: p.h, rx: 5 }));
      g.appendChild(svg('text', { x: 8, y: 16, text: short(t.name, 27) }));
      g.appendChild(svg('text', { 'class': 'size', x: 8, y: 32, text: bytes(t.totalSizeBytes) + ' · ' + num(t.rows) + ' rows' }));
      (t.recommended || []).slice(0, 3).forEach(function (r, i) {
        g.appendChild(svg('text', { 'class': 'idx', x: 8, y: 48 + 14 * i, text: '+ ' + short(r, 28) }));
      });
      g.appendChild(svg('title', { text: t.name }));
      s.appendChild(g);
    });
    return s;
  }

  // ---- history and log --------------------------------------------------------------------
  // a regression's values are in its metric's unit: times, calls, or temp bytes per call
  function metricValue(v, r) {
    if (r && r.metric === 'tempBytesPerCall') { return bytes(v); }
    if (r && r.metric === 'calls') { return num(v); }
    return ms(v);
  }
  function history() {
    var sec = section('History');
    if (D.history) { sec.appendChild(panel(kv(keys(D.history).map(function (k) { return [k, D.history[k]]; })))); }
    [['regressions', 'Regressions'], ['trends', 'Trends']].forEach(function (x) {
      var rows = D[x[0]] || [];
      sec.appendChild(panel(el('h3', { text: x[1] }), rows.length ? table(rows, [
        { key: 'query', label: 'query', sql: true }, { key: 'metric', label: 'metric' },
        { key: 'before', label: 'before', num: true, fmt: metricValue }, { key: 'after', label: 'after', num: true, fmt: metricValue },
        { key: 'changePercent', label: 'change', num: true, fmt: pct }, { key: 'since', label: 'since' }], {
        onrow: function (r) { location.hash = '#query/' + encodeURIComponent(r.fingerprint); } }) : empty('none')));
    });
    return sec;
  }
  var LOG_TITLES = { errors: 'Errors', cancellations: 'Cancellations and timeouts', lockWaits: 'Lock waits',
    deadlocks: 'Deadlocks', tempFiles: 'Temporary files', autovacuum: 'Autovacuum', queryTypes: 'Query types',
    durationHistogram: 'Durations', checkpoints: 'Checkpoints', sessions: 'Sessions' };
  var TIME_KEYS = /Ms$/;
  function genericColumns(rows) {
    var cols = [];
    rows.slice(0, 20).forEach(function (r) { keys(r).forEach(function (k) { if (cols.indexOf(k) < 0) { cols.push(k); } }); });
    return cols.map(function (k) {
      var isNum = rows.some(function (r) { return typeof r[k] === 'number'; });
      return { key: k, label: k, num: isNum, sql: k === 'query' || k === 'example' || k === 'pattern',
        fmt: /Bytes$/i.test(k) ? bytes : TIME_KEYS.test(k) ? ms : isNum ? num : k === 'statements' ? function (v) { return (v || []).join(' ; '); } : null };
    });
  }
  function logSections() {
    var sec = section('Log');
    var L = D.log || {};
    var order = ['errors', 'cancellations', 'lockWaits', 'deadlocks', 'tempFiles', 'sessions', 'checkpoints',
      'autovacuum', 'queryTypes', 'durationHistogram'];
    keys(L).forEach(function (k) { if (order.indexOf(k) < 0 && k !== 'timeline' && k !== 'peak') { order.push(k); } });
    order.forEach(function (k) {
      var v = L[k];
      if (v == null) { return; }
      var p = panel(el('h3', { text: LOG_TITLES[k] || k }));
      p.setAttribute('data-log', k);
      if (k === 'durationHistogram' && Array.isArray(v)) {
        p.appendChild(histogram(v));
      } else if (Array.isArray(v)) {
        if (!v.length) { return; }
        if (typeof v[0] !== 'object') { p.appendChild(el('pre', { text: v.join('\n') })); }
        else { p.appendChild(table(v, genericColumns(v), { pageSize: 25 })); }
      } else if (typeof v === 'object') {
        var flat = [], nested = [];
        keys(v).forEach(function (f) { (v[f] != null && typeof v[f] === 'object' ? nested : flat).push(f); });
        p.appendChild(kv(flat.map(function (f) {
          var x = v[f];
          return [f, typeof x === 'number' ? (/Bytes$/i.test(f) ? bytes(x) : TIME_KEYS.test(f) ? ms(x) : num(x)) : x];
        })));
        var small = el('div', { cls: 'grid-small' });
        nested.forEach(function (f) {
          var o = v[f];
          var rows = Array.isArray(o) ? o : keys(o).map(function (n) { return { name: n, count: o[n] }; });
          if (rows.length && typeof rows[0] === 'object') {
            small.appendChild(el('div', null, el('h3', { text: f }),
              table(rows, genericColumns(rows), { sortKey: 'count', pageSize: 10 })));
          }
        });
        p.appendChild(small);
      } else {
        p.appendChild(el('p', { text: String(v) }));
      }
      sec.appendChild(p);
    });
    if (!sec.querySelector('.panel')) { sec.appendChild(empty('the log had no such events')); }
    return sec;
  }
  function histogram(rows) {
    var max = Math.max.apply(null, rows.map(function (r) { return r.count || 0; }).concat([1]));
    var t = el('table');
    rows.forEach(function (r, i) {
      var label = r.upToMs == null ? 'above ' + ms(i ? rows[i - 1].upToMs : 0) : 'up to ' + ms(r.upToMs);
      var b = el('div', { cls: 'bar' }, el('span'));
      b.firstChild.style.width = (100 * (r.count || 0) / max) + '%';
      t.appendChild(el('tr', null, el('td', { text: label }), el('td', { cls: 'num', text: num(r.count) }), el('td', { style: null }, b)));
    });
    return t;
  }

  build();
})();
