#!/usr/bin/env node
// ofdjs-check: open OFD files with ofd.js 0.2.6 in Debian's headless Chromium and report, as JSON,
// whether ofd.js opened them, where it drew the seals and what it says about the signatures.
// How it works and what ofd.js does and does not check: docs/internals/ofdjs-test.md.
//
// Usage: node ofdjs-check.mjs [--timeout S] [--width PX] FILE.ofd [FILE OPTIONS] [FILE.ofd [FILE OPTIONS]]...
//   --timeout S                 bound, per file, on loading the page and on ofd.js (default 30)
//   --width PX                  screen width handed to ofd.js's renderOfd (default 1000); its
//                               scale is min(5, (PX - 10) / page width in mm, 1 decimal) px/mm
// File options apply to the file they follow:
//   --expect-seal PAGE,X,Y,W,H  a seal picture is drawn on PAGE (1-based) at this box in mm
//   --tolerance-mm T            slack for --expect-seal (default 0.5 mm)
//   --expect-text TEXT          TEXT is on some page (whitespace ignored)
//   --expect-text-at PAGES,X,Y,[ALIGN,]TEXT
//                               on each of PAGES (N, N-M or * for every page) ofd.js drew TEXT
//                               (whitespace ignored) on one line with its baseline at Y mm and
//                               its left end (ALIGN left, the default), middle (center) or right
//                               end (right) at X mm; X or Y * leaves that coordinate free
//   --expect-text-in PAGES,X,Y,W,H,TEXT
//                               on each of PAGES ofd.js drew TEXT on one line starting (left end
//                               of the baseline) inside the box X,Y,W,H mm
//   --text-tolerance-mm T       slack for --expect-text-at (default 1.5 mm)
//   --expect-page-size W,H      every page is W x H mm as ofd.js draws it (within 0.5 mm)
// Pixel expectations, on a screenshot of each page they name (device scale 1: 1 mm is
// scale_px_per_mm pixels; a pixel is ink when one of its channels is below 192 of 255):
//   --expect-ink PAGES,X,Y,W,H[,MIN]
//                               at least the fraction MIN (default 0.05) of the box's pixels is ink
//   --expect-blank PAGES,X,Y,W,H
//                               no pixel of the box is ink
//   --expect-glyphs TEXT        wherever ofd.js drew TEXT (at least once), every one of its
//                               characters has ink in its own cell (from its origin to the end of
//                               its advance, from the baseline up 0.7 of the font size): at least
//                               3 pixels and 2 % of the cell (a '.' has 5 %, a CJK character 30 to
//                               80 %), so a character drawn as a blank or an empty glyph fails
//   --screenshot-box PAGE,X,Y,W,H OUT.png
//                               a picture of that box of a page (mm), e.g. for zbarimg
//   --expect-valid              at least one signature, and ofd.js reports every one valid
//   --expect-invalid            at least one signature, and ofd.js reports some signature invalid
//   --expect-signatures N       ofd.js found exactly N signatures
//   --expect-pages N            the document has N pages
//   --expect-references N       ofd.js checked N Reference digests for every signature (it skips,
//                               silently, a Reference whose file it does not find)
//   --expect-no-errors          no console error, page error or unhandled rejection in the page
//   --screenshot OUT.png        a picture of a page (--screenshot-page N, default 1)
//   --dump-text                 put each page's text in the output
//   --dump-lines                put each page's lines of text in the output, as ofd.js placed
//                               them: [baseline y, left x, right x, text] in mm
// Output: one JSON object per file; with several files, {"files": [...], "exit_code": N}.
// Exit: 0 every file opened and every expectation held; 1 some file did not open or some
// expectation failed (the "failed" array says which); 2 the harness itself could not run
// (usage, unreadable file, Chromium did not start). With several files the worst code wins.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.OFDJS_CHROMIUM || '/usr/bin/chromium';
// As root Chromium needs --no-sandbox; the rest keep it off the network (this machine's network is
// closed: without them Chromium keeps trying Google's hosts) and quiet. Playwright adds --headless
// and a new empty --user-data-dir of its own for each launch.
const CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage',
];

class HarnessError extends Error {}

function usage(msg) {
    throw new HarnessError(`${msg}\nusage: node ofdjs-check.mjs [--timeout S] [--width PX] FILE.ofd [--expect-seal PAGE,X,Y,W,H] [--expect-text TEXT]... [--expect-text-at PAGES,X,Y,[ALIGN,]TEXT]... [--expect-ink|--expect-blank PAGES,X,Y,W,H]... [--expect-valid|--expect-invalid] [--expect-references N] [--expect-no-errors] [--screenshot OUT.png] [FILE.ofd ...] (--help: every option)`);
}

function positiveNumber(opt, v) {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0) usage(`${opt}: expected a positive number, got '${v}'`);
    return n;
}

function finiteNumber(opt, v, free = false) {
    if (free && v === '*') return null;
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n)) usage(`${opt}: expected a number${free ? ' or *' : ''}, got '${v}'`);
    return n;
}

// PAGES: N (from 1), N-M, or * (every page).
function parsePages(opt, v) {
    if (v === '*') return { all: true, label: v };
    const m = /^(\d+)(?:-(\d+))?$/.exec(v);
    if (!m || Number(m[1]) < 1 || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) {
        usage(`${opt}: expected pages N, N-M or *, got '${v}'`);
    }
    return { all: false, from: Number(m[1]), to: Number(m[2] ?? m[1]), label: v };
}

// PAGES,X,Y,W,H[,MORE...]: the pages, a box in mm and the rest of the fields.
function parseBox(opt, v, what) {
    const f = v.split(',');
    if (f.length < 5) usage(`${opt}: expected ${what}, got '${v}'`);
    const box = f.slice(1, 5).map((x) => finiteNumber(opt, x));
    if (box[2] <= 0 || box[3] <= 0) usage(`${opt}: the box needs a positive width and height, got '${v}'`);
    return { pages: parsePages(opt, f[0]), box, rest: f.slice(5) };
}

const ALIGNS = ['left', 'center', 'right'];

function parseTextAt(opt, v) {
    const f = v.split(',');
    if (f.length < 4) usage(`${opt}: expected PAGES,X,Y,[ALIGN,]TEXT, got '${v}'`);
    const align = ALIGNS.includes(f[3]) ? f[3] : 'left';
    const text = f.slice(ALIGNS.includes(f[3]) ? 4 : 3).join(',');
    if (squash(text) === '') usage(`${opt}: no text in '${v}'`);
    return { pages: parsePages(opt, f[0]), x: finiteNumber(opt, f[1], true), y: finiteNumber(opt, f[2], true), align, text };
}

function parseArgs(argv) {
    const global = { timeoutS: 30, width: 1000 };
    const files = [];
    let cur = null;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const val = () => {
            if (i + 1 >= argv.length) usage(`${a} needs a value`);
            return argv[++i];
        };
        const need = () => {
            if (!cur) usage(`${a} must follow the file it applies to`);
            return cur;
        };
        switch (a) {
        case '--timeout': global.timeoutS = positiveNumber(a, val()); break;
        case '--width': global.width = Math.round(positiveNumber(a, val())); break;
        case '--expect-seal': {
            const v = val();
            const p = v.split(',').map(Number);
            if (p.length !== 5 || p.some((x) => !Number.isFinite(x)) || !Number.isInteger(p[0]) || p[0] < 1) {
                usage(`--expect-seal: expected PAGE,X,Y,W,H (page from 1, box in mm), got '${v}'`);
            }
            need().seals.push(p);
            break;
        }
        case '--tolerance-mm': need().toleranceMm = positiveNumber(a, val()); break;
        case '--expect-text': need().texts.push(val()); break;
        case '--expect-text-at': need().textAt.push(parseTextAt(a, val())); break;
        case '--expect-text-in': {
            const b = parseBox(a, val(), 'PAGES,X,Y,W,H,TEXT');
            const text = b.rest.join(',');
            if (squash(text) === '') usage(`${a}: no text given`);
            need().textIn.push({ pages: b.pages, box: b.box, text });
            break;
        }
        case '--text-tolerance-mm': need().textToleranceMm = positiveNumber(a, val()); break;
        case '--expect-page-size': {
            const v = val();
            const p = v.split(',').map((x) => positiveNumber(a, x));
            if (p.length !== 2) usage(`${a}: expected W,H in mm, got '${v}'`);
            need().pageSize = p;
            break;
        }
        case '--expect-ink': {
            const b = parseBox(a, val(), 'PAGES,X,Y,W,H[,MIN]');
            if (b.rest.length > 1) usage(`${a}: expected PAGES,X,Y,W,H[,MIN], got too many fields`);
            const min = b.rest.length ? positiveNumber(a, b.rest[0]) : 0.05;
            if (min > 1) usage(`${a}: MIN is a fraction of the box's pixels, got ${min}`);
            need().ink.push({ pages: b.pages, box: b.box, min });
            break;
        }
        case '--expect-blank': {
            const b = parseBox(a, val(), 'PAGES,X,Y,W,H');
            if (b.rest.length) usage(`${a}: expected PAGES,X,Y,W,H, got too many fields`);
            need().blank.push({ pages: b.pages, box: b.box });
            break;
        }
        case '--expect-glyphs': {
            const t = val();
            if (squash(t) === '') usage(`${a}: no text given`);
            need().glyphTexts.push(t);
            break;
        }
        case '--screenshot-box': {
            const b = parseBox(a, val(), 'PAGE,X,Y,W,H');
            if (b.rest.length || b.pages.all || b.pages.from !== b.pages.to) usage(`${a}: expected PAGE,X,Y,W,H (one page) and a file name`);
            need().shotBoxes.push({ page: b.pages.from, box: b.box, file: val() });
            break;
        }
        case '--dump-lines': need().dumpLines = true; break;
        case '--expect-valid': need().valid = true; break;
        case '--expect-invalid': need().valid = false; break;
        case '--expect-signatures': {
            const v = val();
            if (!/^\d+$/.test(v)) usage(`--expect-signatures: expected a count, got '${v}'`);
            need().signatures = Number(v);
            break;
        }
        case '--expect-pages': need().pages = Math.round(positiveNumber(a, val())); break;
        case '--expect-references': need().references = Math.round(positiveNumber(a, val())); break;
        case '--expect-no-errors': need().noErrors = true; break;
        case '--screenshot': need().screenshot = val(); break;
        case '--screenshot-page': need().screenshotPage = Math.round(positiveNumber(a, val())); break;
        case '--dump-text': need().dumpText = true; break;
        case '-h':
        case '--help':
        {
            // The comment block at the top of this file is the help text.
            const lines = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
            const end = lines.findIndex((l) => !l.startsWith('//'));
            process.stdout.write(lines.slice(0, end).map((l) => l.slice(3)).join('\n') + '\n');
        }
            process.exit(0);
            break;
        default:
            if (a.startsWith('--')) usage(`unknown option ${a}`);
            cur = { file: a, seals: [], texts: [], toleranceMm: 0.5, valid: null, signatures: null,
                pages: null, references: null, noErrors: false, screenshot: null, screenshotPage: 1, dumpText: false,
                textAt: [], textIn: [], textToleranceMm: 1.5, pageSize: null, ink: [], blank: [], glyphTexts: [],
                shotBoxes: [], dumpLines: false };
            files.push(cur);
        }
    }
    if (files.length === 0) usage('no OFD file given');
    for (const f of files) {
        let st;
        try {
            st = fs.statSync(f.file);
        } catch (e) {
            throw new HarnessError(`${f.file}: ${e.code === 'ENOENT' ? 'No such file or directory' : e.message}`);
        }
        if (!st.isFile()) throw new HarnessError(`${f.file}: not a regular file`);
        fs.accessSync(f.file, fs.constants.R_OK);
    }
    return { global, files };
}

// A static server on loopback for the page, ofd.js and the OFD files, nothing else.
function startServer(files) {
    const require = createRequire(import.meta.url);
    let ofdjs;
    try {
        ofdjs = require.resolve('ofd.js'); // lib/ofd.umd.min.js, its package.json "main"
        // The same build unminified, for readable stack traces when a file does not open.
        if (process.env.OFDJS_UNMINIFIED === '1') ofdjs = ofdjs.replace(/\.min\.js$/, '.js');
    } catch (e) {
        throw new HarnessError(`ofd.js is not installed in ${HERE}/node_modules: run 'make web-deps' (npm ci in tests/web)`);
    }
    const routes = {
        '/': [path.join(HERE, 'index.html'), 'text/html; charset=utf-8'],
        '/ofdjs-page.js': [path.join(HERE, 'ofdjs-page.js'), 'text/javascript; charset=utf-8'],
        '/ofd.js': [ofdjs, 'text/javascript; charset=utf-8'],
    };
    // The page and ofd.js may be cached (V8 then reuses the compiled 900 KB of ofd.js for each
    // file); the OFD files may not.
    for (const r of Object.values(routes)) r.push('max-age=3600');
    files.forEach((f, i) => { routes[`/files/${i}.ofd`] = [f.file, 'application/ofd', 'no-store']; });
    const server = http.createServer((req, res) => {
        const r = routes[new URL(req.url, 'http://x').pathname];
        if (!r || req.method !== 'GET') {
            res.writeHead(404).end();
            return;
        }
        fs.readFile(r[0], (err, body) => {
            if (err) {
                res.writeHead(500).end(String(err));
                return;
            }
            res.writeHead(200, { 'content-type': r[1], 'cache-control': r[2] }).end(body);
        });
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
    });
}

function withTimeout(promise, ms, what) {
    let t;
    return Promise.race([
        promise.finally(() => clearTimeout(t)),
        new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`${what}: no answer after ${ms / 1000} s`)), ms); }),
    ]);
}

const near = (a, b, tol) => Math.abs(a - b) <= tol;
const squash = (s) => s.replace(/\s+/g, '');

// The lines of text of a page, from the glyphs the probe read ([char, x, baseline y, x end,
// size], mm): glyphs whose baselines lie within 0.3 mm of a line's first one, in x order. A line
// drawn in several TextObjects (a font subset each) is one line here, as on paper.
function linesOf(glyphs) {
    const sorted = [...glyphs].sort((a, b) => a[2] - b[2] || a[1] - b[1]);
    const lines = [];
    for (const g of sorted) {
        const l = lines[lines.length - 1];
        if (l && g[2] - l.y <= 0.3) l.glyphs.push(g);
        else lines.push({ y: g[2], glyphs: [g] });
    }
    for (const l of lines) {
        l.glyphs.sort((a, b) => a[1] - b[1]);
        l.text = '';
        l.at = []; // index in l.text -> index in l.glyphs
        l.glyphs.forEach((g, i) => { for (let k = 0; k < g[0].length; k++) l.at.push(i); l.text += g[0]; });
    }
    return lines;
}

// Where TEXT (whitespace ignored) is drawn in @p lines: runs of glyphs on one line with no gap
// wider than 1.5 em between two of them (so that two cells or two columns that happen to share a
// baseline do not make up a text). Each as {x, x2, y, glyphs} in mm.
function findText(lines, text) {
    const want = squash(text);
    const found = [];
    for (const l of lines) {
        for (let i = l.text.indexOf(want); i !== -1; i = l.text.indexOf(want, i + 1)) {
            const run = l.glyphs.slice(l.at[i], l.at[i + want.length - 1] + 1);
            const apart = run.some((g, k) => k > 0 && g[1] - run[k - 1][3] > 1.5 * Math.max(g[4], run[k - 1][4]));
            if (!apart) found.push({ x: run[0][1], x2: run[run.length - 1][3], y: run[0][2], glyphs: run });
        }
    }
    return found;
}

function pagesIn(sel, n) {
    if (sel.all) return Array.from({ length: n }, (_, i) => i + 1);
    return Array.from({ length: sel.to - sel.from + 1 }, (_, i) => sel.from + i);
}

const anchorOf = (o, align) => (align === 'center' ? (o.x + o.x2) / 2 : align === 'right' ? o.x2 : o.x);
const mm = (v) => (v === null ? '*' : Number(v.toFixed(2)));

// A glyph's cell, where its ink must be: from its origin to the end of its advance, from its
// baseline up 0.7 em (above the baseline, below the accents: a blank glyph has no ink there).
const glyphCell = (g) => [g[1], g[2] - 0.7 * g[4], Math.max(g[3] - g[1], 0.1), 0.7 * g[4]];

// The boxes (mm) that need pixels from each page: [{page, kind, index, box}].
function pixelJobs(spec, r) {
    const jobs = [];
    spec.ink.forEach((e, index) => { for (const page of pagesIn(e.pages, r.pages)) jobs.push({ page, kind: 'ink', index, box: e.box }); });
    spec.blank.forEach((e, index) => { for (const page of pagesIn(e.pages, r.pages)) jobs.push({ page, kind: 'blank', index, box: e.box }); });
    spec.glyphTexts.forEach((t, index) => {
        r.lines.forEach((lines, p) => {
            for (const o of findText(lines, t)) {
                for (const g of o.glyphs) jobs.push({ page: p + 1, kind: 'glyph', index, char: g[0], box: glyphCell(g) });
            }
        });
    });
    return jobs.filter((j) => j.page <= r.pages);
}

function judge(spec, r) {
    const failed = [];
    if (!r.opened) failed.push('ofd.js did not open the file');
    if (spec.pages !== null && r.pages !== spec.pages) failed.push(`expected ${spec.pages} pages, ofd.js has ${r.pages}`);
    if (spec.signatures !== null && r.signatures.length !== spec.signatures) {
        failed.push(`expected ${spec.signatures} signatures, ofd.js found ${r.signatures.length}`);
    }
    if (spec.valid === true) {
        if (r.signatures.length === 0) failed.push('expected valid signatures, ofd.js found none');
        for (const s of r.signatures.filter((x) => !x.valid)) {
            failed.push(`signature ${s.id} is not valid in ofd.js (signature value ${s.signature_value_ok ? 'ok' : 'FAILS'}, digests ${s.digest_ok === null ? 'NOT CHECKED' : s.digest_ok ? 'ok' : 'FAIL'})`);
        }
    } else if (spec.valid === false) {
        if (r.signatures.length === 0) failed.push('expected an invalid signature, ofd.js found no signature');
        else if (r.signatures.every((x) => x.valid)) failed.push('expected an invalid signature, ofd.js reports every signature valid');
    }
    if (spec.references !== null) {
        for (const s of r.signatures.filter((x) => x.references_checked !== spec.references)) {
            failed.push(`signature ${s.id}: ofd.js checked ${s.references_checked} Reference digests, expected ${spec.references}`);
        }
    }
    if (spec.noErrors && r.errors.length) failed.push(`errors in the page: ${r.errors.join(' | ')}`);
    const text = squash(r.page_text.join('\n'));
    r.text_found = spec.texts.filter((t) => text.includes(squash(t)));
    for (const t of spec.texts) if (!r.text_found.includes(t)) failed.push(`text not found: ${t}`);
    if (spec.pageSize) {
        const [w, h] = spec.pageSize;
        r.page_sizes_px.forEach(([pw, ph], i) => {
            const got = [pw / r.scale_px_per_mm, ph / r.scale_px_per_mm];
            if (!near(got[0], w, 0.5) || !near(got[1], h, 0.5)) {
                failed.push(`page ${i + 1} is ${mm(got[0])} x ${mm(got[1])} mm in ofd.js, expected ${w} x ${h}`);
            }
        });
    }
    const tol = spec.textToleranceMm;
    const missingPage = (sel, what) => {
        if (!sel.all && sel.to > r.pages) failed.push(`${what}: page ${sel.to} does not exist (${r.pages} pages)`);
    };
    const drawnAt = (found, align) => found.map((o) => `(${mm(anchorOf(o, align))}, ${mm(o.y)})`).join(', ') || 'nowhere';
    for (const e of spec.textAt) {
        const what = `text '${e.text}' at ${e.align} x ${mm(e.x)}, baseline y ${mm(e.y)} mm`;
        missingPage(e.pages, what);
        for (const page of pagesIn(e.pages, r.pages).filter((p) => p <= r.pages)) {
            const found = findText(r.lines[page - 1], e.text);
            const hit = found.some((o) => (e.x === null || near(anchorOf(o, e.align), e.x, tol)) && (e.y === null || near(o.y, e.y, tol)));
            if (!hit) failed.push(`page ${page}: ${what} (tolerance ${tol} mm): drawn at ${drawnAt(found, e.align)}`);
        }
    }
    for (const e of spec.textIn) {
        const [bx, by, bw, bh] = e.box;
        const what = `text '${e.text}' starting in the box [${e.box.join(', ')}] mm`;
        missingPage(e.pages, what);
        for (const page of pagesIn(e.pages, r.pages).filter((p) => p <= r.pages)) {
            const found = findText(r.lines[page - 1], e.text);
            const hit = found.some((o) => o.x >= bx && o.x <= bx + bw && o.y >= by && o.y <= by + bh);
            if (!hit) failed.push(`page ${page}: ${what}: drawn at ${drawnAt(found, 'left')}`);
        }
    }
    for (const e of [...spec.ink, ...spec.blank]) missingPage(e.pages, `${'min' in e ? 'ink' : 'blank'} box [${e.box.join(', ')}] mm`);
    for (const j of r.pixel_jobs) {
        const frac = j.pixels ? j.ink / j.pixels : 0;
        const where = `page ${j.page}, box [${j.box.map(mm).join(', ')}] mm`;
        if (j.kind === 'ink' && !(frac >= spec.ink[j.index].min)) {
            failed.push(`${where}: ${j.ink} of ${j.pixels} pixels are ink (${(100 * frac).toFixed(1)} %), expected at least ${100 * spec.ink[j.index].min} %`);
        } else if (j.kind === 'blank' && j.ink > 0) {
            failed.push(`${where}: expected blank, ${j.ink} of ${j.pixels} pixels are ink`);
        } else if (j.kind === 'glyph' && !(frac >= 0.02 && j.ink >= 3)) {
            failed.push(`${where}: '${j.char}' of '${spec.glyphTexts[j.index]}' has ${j.ink} of ${j.pixels} pixels of ink in its cell (${(100 * frac).toFixed(1)} %): not drawn`);
        }
    }
    spec.glyphTexts.forEach((t, index) => {
        if (!r.pixel_jobs.some((j) => j.kind === 'glyph' && j.index === index)) failed.push(`--expect-glyphs: text '${t}' is not drawn on one line on any page`);
    });
    const scale = r.scale_px_per_mm;
    for (const [page, x, y, w, h] of spec.seals) {
        const want = [x, y, w, h].map((v) => v * scale);
        const tol = spec.toleranceMm * scale;
        const hit = r.seals_drawn.find((d) => d.page === page && d.picture_ok && d.bbox_px.every((v, i) => near(v, want[i], tol)));
        if (!hit) {
            const drawn = r.seals_drawn.map((d) => `page ${d.page} [${d.bbox_px.join(', ')}]${d.picture_ok ? '' : ' (picture not drawn)'}`).join('; ') || 'none';
            failed.push(`no seal drawn on page ${page} at [${x}, ${y}, ${w}, ${h}] mm = [${want.map((v) => v.toFixed(2)).join(', ')}] px (scale ${scale} px/mm, tolerance ${tol.toFixed(2)} px); drawn: ${drawn}`);
        }
    }
    return failed;
}

// One browser context and page for all the files: each file gets a fresh load of the page (so
// ofd.js starts with clean globals) without the cost of a new renderer process. A page that stopped
// answering is thrown away and the next file gets a new one.
class Session {
    constructor(browser, base) {
        this.browser = browser;
        this.base = base;
        this.context = null;
        this.page = null;
        this.errors = [];
    }

    async open() {
        this.context = await this.browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
        // Everything stays on loopback: any other request is refused and reported.
        await this.context.route('**/*', (route) => {
            const u = route.request().url();
            if (u.startsWith(this.base + '/')) return route.continue();
            this.errors.push(`blocked request off loopback: ${u}`);
            return route.abort();
        });
        this.page = await this.context.newPage();
        this.page.on('console', (m) => { if (m.type() === 'error') this.errors.push(`console: ${m.text()}`); });
        this.page.on('pageerror', (e) => this.errors.push(`page error: ${e.message}`));
    }

    async close() {
        if (this.context) await this.context.close().catch(() => {});
        this.context = null;
        this.page = null;
    }

    // Screenshot each page that a pixel expectation or --screenshot-box names, and count the ink
    // of its boxes in the page (a canvas decodes the PNG: node needs no image library).
    async measurePixels(spec, r, timeoutMs) {
        const s = r.scale_px_per_mm;
        const pages = new Set([...r.pixel_jobs.map((j) => j.page), ...spec.shotBoxes.map((b) => b.page)]);
        for (const n of [...pages].sort((a, b) => a - b)) {
            if (n > r.pages) throw new HarnessError(`--screenshot-box: page ${n}: the document has ${r.pages} pages`);
            const png = await this.page.locator('#content > div').nth(n - 1).screenshot({ timeout: timeoutMs });
            const jobs = r.pixel_jobs.filter((j) => j.page === n);
            const crops = spec.shotBoxes.filter((b) => b.page === n);
            const got = await this.page.evaluate(([b64, boxes, cuts]) => window.sealcertPixels(b64, boxes, cuts),
                [png.toString('base64'), jobs.map((j) => j.box.map((v) => v * s)), crops.map((c) => c.box.map((v) => v * s))]);
            jobs.forEach((j, i) => { [j.ink, j.pixels] = got.counts[i]; });
            crops.forEach((c, i) => fs.writeFileSync(c.file, Buffer.from(got.pngs[i], 'base64')));
        }
    }

    async check(spec, index, timeoutMs) {
        if (!this.page) await this.open();
        const page = this.page;
        this.errors = [];
        const t0 = Date.now();
        await page.goto(this.base + '/', { timeout: timeoutMs });
        const ready = await page.evaluate(() => typeof window.ofd === 'object' && typeof window.sealcertOpen === 'function');
        if (!ready) throw new HarnessError('the harness page loaded without ofd.js or its probe');
        const loadMs = Date.now() - t0;
        let r;
        try {
            // The probe bounds ofd.js's parsing itself; this bounds a page that stops answering.
            r = await withTimeout(page.evaluate(
                ([url, w, t]) => window.sealcertOpen(url, w, t), [`/files/${index}.ofd`, spec.width, timeoutMs]),
            timeoutMs + 15000, 'ofd.js page');
        } catch (e) {
            if (e instanceof HarnessError || /harness:/.test(e.message)) throw e;
            await this.close();
            r = { opened: false, documents: 0, pages: 0, scale_px_per_mm: null, page_sizes_px: [], signatures: [],
                seals_drawn: [], page_text: [], glyphs: [], errors: [`the page stopped answering: ${e.message}`] };
        }
        r.lines = (r.glyphs || []).map(linesOf);
        r.pixel_jobs = r.opened ? pixelJobs(spec, r) : [];
        if (r.opened) await this.measurePixels(spec, r, timeoutMs);
        if (spec.screenshot && r.opened) {
            const n = spec.screenshotPage;
            if (n > r.pages) throw new HarnessError(`--screenshot-page ${n}: the document has ${r.pages} pages`);
            await page.locator('#content > div').nth(n - 1).screenshot({ path: spec.screenshot, timeout: timeoutMs });
        }
        r.errors = [...this.errors, ...r.errors];
        r.elapsed_ms = Date.now() - t0;
        r.timing_ms = { page_load: loadMs, ...r.timing_ms };
        return r;
    }
}

async function main() {
    let args;
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (e) {
        if (e instanceof HarnessError) return harnessFailure(e.message);
        throw e;
    }
    const { global, files } = args;
    const timeoutMs = global.timeoutS * 1000;
    // Whatever happens inside, the harness ends: a hung browser must not hang the test run. Each
    // file is bounded (page load, ofd.js, the page itself, the screenshot); this bounds the rest.
    const limitS = 60 + files.length * (4 * global.timeoutS + 15);
    setTimeout(() => {
        process.stderr.write(`ofdjs-check: harness watchdog: gave up after ${limitS} s\n`);
        process.stdout.write(JSON.stringify({ exit_code: 2, error: 'harness watchdog' }) + '\n');
        process.exit(2);
    }, limitS * 1000).unref();
    let chromium;
    try {
        ({ chromium } = await import('playwright-core'));
    } catch (e) {
        return harnessFailure(`playwright-core is not installed in ${HERE}/node_modules: run 'make web-deps' (npm ci in tests/web)`);
    }
    let server;
    let browser;
    const results = [];
    try {
        server = await startServer(files);
        const base = `http://127.0.0.1:${server.address().port}`;
        if (!fs.existsSync(CHROMIUM)) {
            throw new HarnessError(`Chromium not found at ${CHROMIUM} (Debian package chromium; scripts/install-deps installs it)`);
        }
        try {
            browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: timeoutMs });
        } catch (e) {
            throw new HarnessError(`Chromium at ${CHROMIUM} did not start: ${e.message.split('\n')[0]}`);
        }
        const session = new Session(browser, base);
        for (let i = 0; i < files.length; i++) {
            const spec = { ...files[i], width: global.width };
            const r = await session.check(spec, i, timeoutMs);
            const failed = judge(spec, r);
            const out = {
                file: spec.file,
                exit_code: failed.length ? 1 : 0,
                opened: r.opened,
                documents: r.documents,
                pages: r.pages,
                scale_px_per_mm: r.scale_px_per_mm,
                page_sizes_px: r.page_sizes_px,
                signatures: r.signatures,
                seals_drawn: r.seals_drawn,
                text_found: r.text_found,
                failed,
                errors: r.errors,
                elapsed_ms: r.elapsed_ms,
                timing_ms: r.timing_ms,
            };
            if (r.pixel_jobs.length) {
                out.pixels = r.pixel_jobs.map((j) => ({ kind: j.kind, page: j.page, box_mm: j.box.map(mm),
                    ...(j.char ? { char: j.char } : {}), ink: j.ink, pixels: j.pixels }));
            }
            if (spec.dumpText) out.page_text = r.page_text;
            if (spec.dumpLines) {
                out.lines = r.lines.map((ls) => ls.map((l) => [mm(l.y), mm(l.glyphs[0][1]), mm(l.glyphs[l.glyphs.length - 1][3]), l.text]));
            }
            if (spec.screenshot && r.opened) out.screenshot = spec.screenshot;
            results.push(out);
            for (const f of failed) process.stderr.write(`ofdjs-check: ${spec.file}: ${f}\n`);
        }
    } catch (e) {
        if (e instanceof HarnessError || /harness:/.test(e.message)) return harnessFailure(e.message);
        return harnessFailure(`internal error: ${e.stack || e}`);
    } finally {
        if (browser) await browser.close().catch(() => {});
        if (server) server.close();
    }
    const code = Math.max(...results.map((x) => x.exit_code));
    const doc = results.length === 1 ? results[0] : { files: results, exit_code: code };
    process.stdout.write(JSON.stringify(doc, null, 1) + '\n');
    return code;
}

function harnessFailure(msg) {
    process.stderr.write(`ofdjs-check: ${msg}\n`);
    process.stdout.write(JSON.stringify({ exit_code: 2, error: msg }) + '\n');
    return 2;
}

main().then((code) => process.exit(code), (e) => {
    process.stderr.write(`ofdjs-check: internal error: ${e.stack || e}\n`);
    process.exit(2);
});
