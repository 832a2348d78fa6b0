// node render-view.js VIEW.js FIXTURE.json
//
// Runs a LuCI JS view the way LuCI's loader does (the file body becomes a function of its
// 'require'd classes) with small stand-ins for view, rpc, poll, dom, ui, E, _ and L. rpc calls
// are answered from FIXTURE ({"status": {...}, "uplinks": {"uplinks": [...]}, ...}: what the rpcd
// plugin prints), with LuCI's "expect" unwrapping. Prints one JSON object:
//   declared: the rpc.declare() calls; text: the rendered page's text; polled: text after one
//   poll round; reload: the notification text after clicking the reload button; ids: element ids.
'use strict';
const fs = require('fs');

const src = fs.readFileSync(process.argv[2], 'utf8');
const fixture = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));

const declared = [];
// every rpc call made, with its arguments, in order
const calls = [];
const polls = [];
const notes = [];

function El(tag, attrs, children) {
	this.tag = tag;
	this.attrs = attrs || {};
	this.children = [];
	(children || []).forEach(c => this.children.push(c));
}

// LuCI's E(tag, [attrs], [children]): attrs may be left out.
function E(tag, a, c) {
	if (Array.isArray(a) || typeof a === 'string' || a instanceof El) {
		c = a;
		a = {};
	}
	if (c != null && !Array.isArray(c))
		c = [ c ];
	return new El(tag, a, c);
}

function text(n) {
	if (n == null)
		return '';
	if (!(n instanceof El))
		return String(n);
	const inner = n.children.map(text).join(n.tag === 'tr' ? ' | ' : ' ');
	return [ 'tr', 'table', 'div', 'h2', 'h3', 'p' ].includes(n.tag) ? inner + '\n' : inner;
}

function ids(n, out) {
	if (n instanceof El) {
		if (n.attrs.id)
			out.push(n.attrs.id);
		n.children.forEach(c => ids(c, out));
	}
	return out;
}

function find(n, pred) {
	if (!(n instanceof El))
		return null;
	if (pred(n))
		return n;
	for (const c of n.children) {
		const f = find(c, pred);
		if (f)
			return f;
	}
	return null;
}

String.prototype.format = function() {
	let i = 0;
	const args = arguments;
	return this.replace(/%s/g, () => String(args[i++]));
};

const rpc = {
	declare(o) {
		declared.push({ object: o.object, method: o.method, params: o.params || [], expect: o.expect || null });
		return function() {
			calls.push({ method: o.method, args: Array.from(arguments) });
			let r = fixture[o.method];
			if (o.expect) {
				const key = Object.keys(o.expect)[0];
				const want = o.expect[key];
				const v = r ? r[key] : undefined;
				r = (v !== undefined && Array.isArray(v) === Array.isArray(want)) ? v : want;
			}
			return Promise.resolve(r);
		};
	}
};
const view = { extend: o => o };
const poll = { add: (fn, interval) => polls.push(fn) };
const dom = { content: (node, child) => { node.children = [ child ]; } };
const ui = {
	addNotification: (title, node, kind) => notes.push(kind + ': ' + text(node).trim()),
	// as LuCI's: the arguments after the name come first, then the event
	createHandlerFn: (ctx, name, ...bound) => function() { return ctx[name].apply(ctx, bound.concat(Array.from(arguments))); }
};
const L = { bind: (fn, ctx) => fn.bind(ctx) };
const _ = s => s;

const body = src.replace(/^\s*'use strict';/, '');
const V = new Function('view', 'rpc', 'poll', 'dom', 'ui', 'L', 'E', '_', body)(view, rpc, poll, dom, ui, L, E, _);

(async () => {
	const data = await V.load();
	const page = V.render(data);
	const first = text(page);
	for (const p of polls)
		await p();
	const polled = text(page);
	// the button of id FIXTURE.click, else the reload button
	const button = find(page, n => n.tag === 'button' && (fixture.click ? n.attrs.id === fixture.click
		: String(n.attrs['class']).includes('cbi-button-action')));
	if (button && button.attrs.click)
		await button.attrs.click({});
	process.stdout.write(JSON.stringify({
		declared: declared, calls: calls, text: first, polled: polled, reload: notes.join('\n'), ids: ids(page, []),
		pollCount: polls.length
	}) + '\n');
})().catch(e => {
	process.stderr.write(String(e && e.stack || e) + '\n');
	process.exit(1);
});
