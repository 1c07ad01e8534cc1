// In-page probe for ofdjs-check.mjs: opens one OFD file with ofd.js 0.2.6 the way its own demo
// viewer does (parseOfdDocument, then renderOfd at a screen width, then the seal's signed info and
// digestCheck), and reads back what ofd.js reported and what it drew. Loaded before ofd.js.
'use strict';

(function () {
    // ofd.js keeps the Reference list of each signature (file bytes, CheckValue, CheckMethod) in
    // the global `toBeChecked`, a Map from signature ID to list, and its viewer hands that list to
    // digestCheck() when the seal is clicked. But ofd_parser.js getSignatureData() assigns a new
    // Map for every signature, so only the last signature's list survives: in the stock viewer a
    // click on any other seal throws. We keep every Map assigned so that each signature gets
    // ofd.js's own digest verdict; docs/internals/ofdjs-test.md describes the bug.
    const assignedMaps = [];
    let current;
    Object.defineProperty(window, 'toBeChecked', {
        configurable: true,
        get() { return current; },
        set(m) { current = m; assignedMaps.push(m); },
    });

    const pageErrors = [];
    window.addEventListener('error', (e) => pageErrors.push(`error: ${e.message}`));
    window.addEventListener('unhandledrejection', (e) => {
        const r = e.reason;
        pageErrors.push(`unhandled rejection: ${r && r.stack ? r.stack.split('\n')[0] : String(r)}`);
    });

    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

    function withTimeout(promise, ms, what) {
        return Promise.race([promise, sleep(ms).then(() => { throw new Error(`${what}: no answer after ${ms} ms`); })]);
    }

    // The References are read by an async forEach that nobody awaits: wait until the lists stop
    // growing (they are complete long before this in practice; the wait is bounded).
    async function settleDigestLists(maxMs) {
        const size = () => assignedMaps.reduce((n, m) => n + [...m.values()].reduce((k, a) => k + a.length, 0), 0);
        let last = -1, stable = 0;
        for (let t = 0; t < maxMs && stable < 3; t += 50) {
            const n = size();
            stable = n === last ? stable + 1 : 0;
            last = n;
            await sleep(50);
        }
    }

    const round2 = (v) => Math.round(v * 100) / 100;
    const box4 = (b) => (b ? [b.x, b.y, b.w, b.h].map(round2) : null);

    function pageTextOf(pageDiv) {
        let s = '';
        for (const t of pageDiv.querySelectorAll('text')) s += t.textContent;
        return s;
    }

    // Every character ofd.js drew as SVG text (calTextPoint makes one <text> per UTF-16 unit), in
    // mm from the page's top-left corner: [char, x, baseline y, x where its advance ends, font
    // size]. Taken through each element's screen CTM, so the TextObject's Boundary, a CTM and the
    // page's scale are all applied as the browser applied them; blanks are left out.
    function glyphsOf(pageDiv, origin, scale) {
        const out = [];
        for (const t of pageDiv.querySelectorAll('text')) {
            const c = t.textContent;
            if (!c || /^\s+$/.test(c) || t.getNumberOfChars() < 1) continue;
            const m = t.getScreenCTM();
            if (!m) continue;
            const x = t.x.baseVal.length ? t.x.baseVal[0].value : 0;
            const y = t.y.baseVal.length ? t.y.baseVal[0].value : 0;
            const p0 = new DOMPoint(x, y).matrixTransform(m);
            const p1 = new DOMPoint(x + t.getComputedTextLength(), y).matrixTransform(m);
            const size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.c, m.d);
            out.push([c, (p0.x - origin.left) / scale, (p0.y - origin.top) / scale,
                (p1.x - origin.left) / scale, size / scale].map((v, i) => (i ? round2(v) : v)));
        }
        return out;
    }

    // An <image> counts as drawn when the browser decodes its picture (a seal whose PNG is broken
    // is laid out all the same, as an empty box).
    async function imageDecodes(href) {
        if (!href) return false;
        const img = new Image();
        img.src = href;
        try {
            await withTimeout(img.decode(), 5000, 'seal picture decode');
            return img.naturalWidth > 0 && img.naturalHeight > 0;
        } catch (e) {
            return false;
        }
    }

    // Ink in boxes of a page's screenshot (PNG as base64; boxes [x, y, w, h] in pixels, every
    // pixel they touch counted): [ink, pixels] each, a pixel being ink when a channel is below
    // 192 (text in #404040 and the notice's #B00000 are; paper and anti-aliasing fringes are not).
    // Also the screenshot cut to the boxes @p cuts, as PNG in base64.
    window.sealcertPixels = async function (b64, boxes, cuts) {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const ctx = canvas.getContext('2d', { willReadFrequently: true });
        ctx.drawImage(img, 0, 0);
        const clamp = ([x, y, w, h]) => {
            const x0 = Math.max(0, Math.floor(x)), y0 = Math.max(0, Math.floor(y));
            const x1 = Math.min(canvas.width, Math.ceil(x + w)), y1 = Math.min(canvas.height, Math.ceil(y + h));
            return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
        };
        const counts = boxes.map((b) => {
            const [x, y, w, h] = clamp(b);
            if (!w || !h) return [0, 0];
            const d = ctx.getImageData(x, y, w, h).data;
            let ink = 0;
            for (let i = 0; i < d.length; i += 4) if (Math.min(d[i], d[i + 1], d[i + 2]) < 192) ink++;
            return [ink, w * h];
        });
        const pngs = cuts.map((b) => {
            const [x, y, w, h] = clamp(b);
            const c = document.createElement('canvas');
            c.width = Math.max(1, w);
            c.height = Math.max(1, h);
            c.getContext('2d').drawImage(canvas, x, y, w, h, 0, 0, w, h);
            return c.toDataURL('image/png').split(',')[1];
        });
        return { counts, pngs };
    };

    window.sealcertOpen = async function (url, screenWidth, timeoutMs) {
        const result = {
            opened: false,
            documents: 0,
            pages: 0,
            scale_px_per_mm: null,
            page_sizes_px: [],
            signatures: [],
            seals_drawn: [],
            page_text: [],
            glyphs: [],
            errors: pageErrors,
            timing_ms: {},
        };
        let t = performance.now();
        const lap = (what) => { const n = performance.now(); result.timing_ms[what] = Math.round(n - t); t = n; };
        const resp = await fetch(url);
        if (!resp.ok) throw new Error(`harness: GET ${url}: HTTP ${resp.status}`);
        const data = await resp.arrayBuffer();

        let docs;
        try {
            docs = await withTimeout(new Promise((resolve, reject) => {
                ofd.parseOfdDocument({ ofd: data, success: resolve, fail: reject });
            }), timeoutMs, 'ofd.js parseOfdDocument');
        } catch (e) {
            // The first frames say where inside ofd.js (readable with OFDJS_UNMINIFIED=1).
            const where = e && e.stack ? e.stack.split('\n').slice(1, 4).map((l) => l.trim()).join(' < ') : '';
            pageErrors.push(`ofd.js did not open the file: ${e && e.message ? e.message : String(e)}${where ? ` (${where})` : ''}`);
            return result;
        }
        lap('parse');
        result.documents = docs.length;
        const doc = docs[0];
        if (!doc) {
            pageErrors.push('ofd.js returned no document');
            return result;
        }

        let divs;
        try {
            divs = ofd.renderOfd(screenWidth, doc);
        } catch (e) {
            pageErrors.push(`ofd.js renderOfd threw: ${e && e.message ? e.message : String(e)}`);
            return result;
        }
        const content = document.getElementById('content');
        content.innerHTML = '';
        for (const d of divs) content.appendChild(d);
        // ofd.js's page heights are fractional (297 mm at 4.7 px/mm is 1395.9 px) and it puts
        // 20 px between pages: a page after the first would start inside a pixel, and its
        // screenshot's first row be the grey gap. A little more gap puts every page on a pixel.
        for (const d of divs) {
            const h = d.getBoundingClientRect().height;
            d.style.marginBottom = `${20 + Math.ceil(h) - h}px`;
        }
        lap('render');
        result.opened = divs.length > 0;
        result.pages = doc.pages.length;
        // renderOfd sets one scale for the whole document from the last page's width.
        result.scale_px_per_mm = Number(ofd.getPageScale());

        const pageIds = doc.pages.map((p) => Object.keys(p)[0]);
        const pageDivs = [...content.children];
        const origin = pageDivs.map((d) => d.getBoundingClientRect());
        result.page_sizes_px = origin.map((r) => [round2(r.width), round2(r.height)]);
        result.page_text = pageDivs.map(pageTextOf);
        result.glyphs = pageDivs.map((d, i) => glyphsOf(d, origin[i], result.scale_px_per_mm));

        // Signatures as ofd.js parsed them: only those whose seal picture type it can draw (png,
        // gif, jpg, jpeg, ofd) reach doc.stampAnnot; others are dropped with a console.log.
        await settleDigestLists(2000);
        lap('digest_lists');
        const digestLists = new Map();
        for (const m of assignedMaps) for (const [k, v] of m) digestLists.set(k, v);
        const sigs = new Map();
        for (const [pageRef, list] of Object.entries(doc.stampAnnot || {})) {
            for (const s of list) {
                const info = s.stamp.signedInfo || {};
                const ses = (s.stamp.sealObj && s.stamp.sealObj.SES_Signature) || {};
                let sig = sigs.get(info.signatureID);
                if (!sig) {
                    const seal = ses.toSign && ses.toSign.eseal && ses.toSign.eseal.esealInfo;
                    const cert = ses.realVersion < 4 ? ses.toSign && ses.toSign.cert : ses.cert;
                    const list = digestLists.get(info.signatureID);
                    let digestOk = null;
                    if (list) {
                        try {
                            digestOk = ofd.digestCheck(list) === true;
                        } catch (e) {
                            pageErrors.push(`ofd.js digestCheck threw: ${e.message}`);
                            digestOk = false;
                        }
                    }
                    sig = {
                        id: info.signatureID,
                        valid: info.VerifyRet === true && digestOk === true,
                        signature_value_ok: info.VerifyRet === true,
                        digest_ok: digestOk,
                        references_checked: list ? list.length : 0,
                        seal_version: ses.realVersion || null,
                        seal_name: (seal && seal.property && seal.property.name) || null,
                        signer: (cert && cert.commonName) || null,
                        provider: (info.Provider && info.Provider['@_ProviderName']) || null,
                        picture_type: (s.stamp.sealObj && s.stamp.sealObj.type) || null,
                        stamps: [],
                    };
                    sigs.set(info.signatureID, sig);
                }
                const b = s.type === 'png' ? s.obj.boundary : s.stamp.stampAnnot && s.stamp.stampAnnot.boundary;
                const stamp = { page: pageIds.indexOf(pageRef) + 1, page_id: pageRef, boundary_mm: box4(b) };
                if (!sig.stamps.some((o) => o.page_id === stamp.page_id && JSON.stringify(o.boundary_mm) === JSON.stringify(stamp.boundary_mm))) {
                    sig.stamps.push(stamp);
                }
            }
        }
        result.signatures = [...sigs.values()];
        lap('signatures');

        // What was drawn: the outermost elements named seal_img_div (querySelectorAll, not
        // getElementsByName, which sees HTML elements only and so misses the <svg> seals) that carry signed info (an
        // <svg> with the seal picture for picture seals, a <div> for seals that are OFD files).
        for (const el of document.querySelectorAll('[name="seal_img_div"]')) {
            if (el.parentElement.closest('[name="seal_img_div"]')) continue;
            let info = null;
            try { info = JSON.parse(el.getAttribute('data-signed-info')); } catch (e) { /* not a seal */ }
            if (!info) continue;
            const pageDiv = pageDivs.find((d) => d.contains(el));
            const pi = pageDivs.indexOf(pageDiv);
            const r = el.getBoundingClientRect();
            let pictureOk;
            const image = el.querySelector('image');
            if (el.tagName.toLowerCase() === 'svg' && image) {
                pictureOk = await imageDecodes(image.href.baseVal);
            } else {
                pictureOk = el.querySelectorAll('path, text, image, canvas').length > 0;
            }
            result.seals_drawn.push({
                page: pi + 1,
                signature_id: info.signatureID,
                bbox_px: [r.left - origin[pi].left, r.top - origin[pi].top, r.width, r.height].map(round2),
                picture_ok: pictureOk,
            });
        }
        lap('seals');
        return result;
    };
})();
