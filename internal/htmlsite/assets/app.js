// ogireports overview: filters, search and the ranked bar chart, drawn as SVG from
// window.OGI_DATA (data.js). Plain ES5-style JavaScript, no library, no network.
(function () {
  'use strict';
  var D = window.OGI_DATA;
  if (!D) { return; }
  var SVGNS = 'http://www.w3.org/2000/svg';
  var LEVELS = { central: '中央 central', province: '省级 province', city: '市级 city', county: '县级 county', township: '乡级 township', other: '其他 other' };
  var TYPES = { government: '人民政府 government', township: '乡镇街道 township / subdistrict', department: '政府部门 department', development_zone: '开发区 development zone', other: '其他 other' };
  var ALL = '';
  var NV = 6; // index of the first indicator value in a row
  function $(id) { return document.getElementById(id); }
  var A = D.agencies.map(function (a, i) {
    return { i: i, n: a[0], p: a[1], c: a[2], d: a[3], l: a[4], t: a[5], u: a[6] };
  });
  var state = { ind: D.indicators.length ? D.indicators[0].id : '', year: D.years.length ? D.years[D.years.length - 1] : 0, p: ALL, c: ALL, l: ALL, t: ALL, q: '' };

  function readHash() {
    var h = location.hash.replace(/^#/, '');
    if (!h) { return; }
    h.split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i < 0) { return; }
      var k = decodeURIComponent(kv.slice(0, i)), v = decodeURIComponent(kv.slice(i + 1));
      if (!Object.prototype.hasOwnProperty.call(state, k)) { return; }
      state[k] = k === 'year' ? parseInt(v, 10) : v;
    });
  }
  function writeHash() {
    var parts = [];
    Object.keys(state).forEach(function (k) {
      if (state[k] !== '' && state[k] !== null) { parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(state[k])); }
    });
    try { history.replaceState(null, '', '#' + parts.join('&')); } catch (e) { /* some file:// settings refuse */ }
  }
  function uniq(list) {
    var seen = {}, out = [];
    list.forEach(function (x) { if (x && !seen[x]) { seen[x] = true; out.push(x); } });
    return out.sort(function (a, b) { return a.localeCompare(b, 'zh-CN'); });
  }
  function fill(sel, opts, cur) {
    sel.textContent = '';
    opts.forEach(function (o) {
      var e = document.createElement('option');
      e.value = o[0];
      e.textContent = o[1];
      if (String(o[0]) === String(cur)) { e.selected = true; }
      sel.appendChild(e);
    });
  }
  function ind() {
    for (var i = 0; i < D.indicators.length; i++) { if (D.indicators[i].id === state.ind) { return i; } }
    return 0;
  }
  function fmt(v, unit) {
    if (unit === 'percent') { return v.toFixed(1) + '%'; }
    if (unit === 'per100') { return v.toFixed(2); }
    return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
  function placeMatch(a) {
    return (state.p === ALL || a.p === state.p) && (state.c === ALL || a.c === state.c) &&
      (state.l === ALL || a.l === state.l) && (state.t === ALL || a.t === state.t);
  }
  function nameMatch(a) { return !state.q || a.n.indexOf(state.q) >= 0; }
  function status(r) {
    if (r[3] > 0) { return { cls: 'fail', text: '✗ ' + r[3] + ' 项未通过 failed' }; }
    if (r[4] > 0) { return { cls: 'pass', text: '✓ 通过 pass' }; }
    return { cls: 'na', text: '– 无法校验 n/a' };
  }

  function controls() {
    fill($('f-ind'), D.indicators.map(function (x) { return [x.id, x.zh + ' ' + x.en]; }), state.ind);
    fill($('f-year'), D.years.slice().reverse().map(function (y) { return [y, String(y)]; }), state.year);
    var inP = A.filter(function (a) { return state.p === ALL || a.p === state.p; });
    fill($('f-p'), [[ALL, '全部 all']].concat(uniq(A.map(function (a) { return a.p; })).map(function (x) { return [x, x]; })), state.p);
    fill($('f-c'), [[ALL, '全部 all']].concat(uniq(inP.map(function (a) { return a.c; })).map(function (x) { return [x, x]; })), state.c);
    fill($('f-l'), [[ALL, '全部 all']].concat(Object.keys(LEVELS).map(function (k) { return [k, LEVELS[k]]; })), state.l);
    fill($('f-t'), [[ALL, '全部 all']].concat(Object.keys(TYPES).map(function (k) { return [k, TYPES[k]]; })), state.t);
    $('f-q').value = state.q;
  }

  function el(name, attrs, text) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function chart() {
    var ii = ind(), I = D.indicators[ii];
    var byAgency = {};
    D.rows.forEach(function (r) { if (r[1] === state.year) { byAgency[r[0]] = r; } });
    var items = [], blank = [], none = 0;
    A.forEach(function (a) {
      if (!placeMatch(a) || !nameMatch(a)) { return; }
      var r = byAgency[a.i];
      if (!r) { none++; return; }
      var v = r[NV + ii];
      if (v === null || v === undefined) { blank.push(a); return; }
      items.push({ a: a, v: v, r: r });
    });
    items.sort(function (x, y) { return y.v - x.v || x.a.n.localeCompare(y.a.n, 'zh-CN'); });
    var scope = state.c || state.p || '全部 all';
    $('chart-title').innerHTML = '';
    $('chart-title').appendChild(document.createTextNode(I.zh + ' · ' + state.year + ' · ' + scope + ' '));
    var en = document.createElement('span');
    en.className = 'en';
    en.textContent = I.en + ', ranked';
    $('chart-title').appendChild(en);
    $('chart-def').textContent = '定义 definition: ' + I.def;
    var box = $('chart');
    box.textContent = '';
    if (!items.length) {
      var p = document.createElement('p');
      p.className = 'def';
      p.textContent = '没有数据 no data for this selection.';
      box.appendChild(p);
    } else {
      var W = Math.max(300, box.clientWidth || 760);
      var narrow = W < 560;
      var rowH = narrow ? 40 : 26, labelW = narrow ? 0 : Math.min(260, W * 0.32), rightW = narrow ? 150 : 190;
      var barX = narrow ? 0 : labelW + 8, barMax = Math.max(40, W - barX - rightW);
      var max = items.reduce(function (m, x) { return Math.max(m, x.v); }, 0) || 1;
      var svg = el('svg', { width: W, height: items.length * rowH + 6, viewBox: '0 0 ' + W + ' ' + (items.length * rowH + 6), 'class': 'ranking' });
      items.forEach(function (x, k) {
        var y = k * rowH + 3, bh = 16, by = narrow ? y + 18 : y + 3;
        var a = el('a', { href: x.a.u });
        a.setAttributeNS('http://www.w3.org/1999/xlink', 'href', x.a.u);
        var label = el('text', { x: narrow ? 0 : labelW, y: narrow ? y + 13 : y + 15, 'text-anchor': narrow ? 'start' : 'end', 'class': 'label' }, (k + 1) + '. ' + x.a.n);
        var w = Math.max(1, barMax * x.v / max);
        var rect = el('rect', { x: barX, y: by, width: w.toFixed(1), height: bh, 'class': 'bar', 'data-agency': x.a.n, 'data-value': x.v });
        rect.appendChild(el('title', {}, x.a.n + ': ' + fmt(x.v, I.unit)));
        var st = status(x.r);
        var num = el('text', { x: barX + w + 6, y: by + 13, 'class': 'num' }, fmt(x.v, I.unit));
        var stx = el('text', { x: barX + w + 6 + 9 * fmt(x.v, I.unit).length + 6, y: by + 13, 'class': 'status ' + st.cls }, st.text);
        a.appendChild(label); a.appendChild(rect); a.appendChild(num); a.appendChild(stx);
        svg.appendChild(a);
      });
      box.appendChild(svg);
    }
    var miss = [];
    if (blank.length) { miss.push('空白 blank (' + blank.length + '): ' + blank.map(function (a) { return a.n; }).join('、')); }
    if (none) { miss.push('该年度无报告 no report this year: ' + none); }
    $('chart-missing').textContent = miss.join(' · ');
    // the agency list follows the filters and the search box
    var shown = 0;
    var lis = document.querySelectorAll('#agency-list li');
    for (var i = 0; i < lis.length; i++) {
      var a = A[i];
      var ok = a && placeMatch(a) && nameMatch(a);
      lis[i].className = ok ? '' : 'hidden';
      if (ok) { shown++; }
    }
    $('agency-count').textContent = String(shown);
  }

  function update() { controls(); chart(); writeHash(); }
  function on(id, key, isInt) {
    $(id).addEventListener(id === 'f-q' ? 'input' : 'change', function (e) {
      state[key] = isInt ? parseInt(e.target.value, 10) : e.target.value;
      if (key === 'p') { state.c = ALL; }
      update();
    });
  }
  readHash();
  on('f-ind', 'ind'); on('f-year', 'year', true); on('f-p', 'p'); on('f-c', 'c'); on('f-l', 'l'); on('f-t', 't'); on('f-q', 'q');
  var t = null;
  window.addEventListener('resize', function () { clearTimeout(t); t = setTimeout(chart, 150); });
  update();
})();
