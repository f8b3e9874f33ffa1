// Builds data/sites.csv (code,name,url,level,parent_code,checked) from
// data/jurisdictions.csv and data/sites_known.csv. Run by build_jurisdictions.sh
// with NODE_PATH pointing at a temporary install of pinyin-pro.
//
// Entries: every current province and prefecture, and the current county-level
// units of the provinces in COUNTY_PROVINCES. URL: the address in sites_known.csv,
// else https://www.<pinyin of the short name>.gov.cn/ ; when two entries would get
// the same host, the single entry of the highest level keeps it, and each other
// county-level unit of the colliding group gets
// https://www.<prefecture initials><county initials>.gov.cn/ and each prefecture gets
// https://www.<province initials><prefecture initials>.gov.cn/ (both common real
// patterns). None of this is checked online: checked=no everywhere.
'use strict';
const fs = require('fs');
const path = require('path');
const { pinyin } = require('pinyin-pro');

const COUNTY_PROVINCES = ['370000', '320000']; // 山东, 江苏
const dir = __dirname;

function readCSV(file) {
  const lines = fs.readFileSync(path.join(dir, file), 'utf8').split(/\r?\n/).filter(Boolean);
  const head = lines.shift().split(',');
  return lines.map((l) => {
    const f = [];
    let cur = '', q = false;
    for (let i = 0; i < l.length; i++) {
      const c = l[i];
      if (q) {
        if (c === '"' && l[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c;
      } else if (c === '"') q = true; else if (c === ',') { f.push(cur); cur = ''; } else cur += c;
    }
    f.push(cur);
    return Object.fromEntries(head.map((h, i) => [h, f[i] || '']));
  });
}

const ETHNIC = ['蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜', '满', '侗', '瑶', '白', '土家',
  '哈尼', '哈萨克', '傣', '黎', '傈僳', '佤', '畲', '高山', '拉祜', '水', '东乡', '纳西', '景颇', '柯尔克孜',
  '土', '达斡尔', '仫佬', '羌', '布朗', '撒拉', '毛南', '仡佬', '锡伯', '阿昌', '普米', '塔吉克', '怒',
  '乌孜别克', '俄罗斯', '鄂温克', '德昂', '保安', '裕固', '京', '塔塔尔', '独龙', '鄂伦春', '赫哲', '门巴',
  '珞巴', '基诺'].sort((a, b) => b.length - a.length);
const ethnicRe = new RegExp('(?:(?:' + ETHNIC.join('|') + ')族)+自治(?:州|县|旗)$');
const suffixRe = /(?:特别行政区|自治区|自治州|自治县|自治旗|地区|林区|特区|省|市|区|县|旗|盟)$/;

// shortName strips the type suffix (and ethnic qualifiers of autonomous units),
// keeping at least two characters.
function shortName(name) {
  let s = name.replace(ethnicRe, '');
  if (s === name) s = name.replace(suffixRe, '');
  if (s === '内蒙古') return s;
  return [...s].length >= 2 ? s : name;
}
const py = (s) => pinyin(s, { toneType: 'none', v: true, type: 'array' }).join('').replace(/[^a-z]/g, '');
const initials = (s) => pinyin(s, { pattern: 'first', toneType: 'none', type: 'array' }).join('').replace(/[^a-z]/g, '');

const all = readCSV('jurisdictions.csv').filter((r) => r.valid_to === '');
const byCode = Object.fromEntries(all.map((r) => [r.code, r]));
const known = Object.fromEntries(readCSV('sites_known.csv').map((r) => [r.code, r.url]));
const provinceOf = (r) => r.code.slice(0, 2) + '0000';

const entries = all.filter((r) => r.level === 'province' || r.level === 'prefecture' ||
  (r.level === 'county' && COUNTY_PROVINCES.includes(provinceOf(r))));

const used = new Map(); // host -> code
for (const r of entries) if (known[r.code]) used.set(new URL(known[r.code]).host, r.code);
const host = (label) => `www.${label}.gov.cn`;
const plain = new Map(); // host -> [entries]
for (const r of entries) {
  if (known[r.code]) continue;
  const h = host(py(shortName(r.name)));
  if (!plain.has(h)) plain.set(h, []);
  plain.get(h).push(r);
}
const urls = {};
for (const [h, group] of plain) {
  // The one entry of the highest level in a group keeps the plain host (淮安市 over 淮安区).
  const rank = { province: 0, prefecture: 1, county: 2 };
  const top = Math.min(...group.map((r) => rank[r.level]));
  const tops = group.filter((r) => rank[r.level] === top);
  let rest = group;
  if (tops.length === 1 && !used.has(h)) {
    urls[tops[0].code] = `https://${h}/`;
    rest = group.filter((r) => r !== tops[0]);
  }
  for (const r of rest) {
    const parent = byCode[r.parent_code];
    const prefix = parent ? initials(shortName(parent.name)) : '';
    urls[r.code] = `https://${host(prefix + initials(shortName(r.name)))}/`;
  }
}
const out = ['code,name,url,level,parent_code,checked'];
for (const r of entries) {
  out.push([r.code, r.name, known[r.code] || urls[r.code], r.level, r.parent_code, 'no'].join(','));
}
fs.writeFileSync(path.join(dir, 'sites.csv'), out.join('\n') + '\n');
const hosts = new Set(entries.map((r) => new URL(known[r.code] || urls[r.code]).host));
console.log(`sites.csv: ${entries.length} entries, ${hosts.size} distinct hosts (pinyin: ${process.env.PINYIN_PKG || 'pinyin-pro'})`);
