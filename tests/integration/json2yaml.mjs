// SPDX-License-Identifier: ISC
// json2yaml.mjs IN.json: the same document as YAML on stdout, for the
// tests (no npm module).  It writes what vendors' documents have: block
// mappings and sequences, flow sequences of scalars, plain, single- and
// double-quoted strings, literal block scalars for text with newlines,
// unquoted response codes as keys, and numbers exactly as the JSON wrote
// them (its own small reader keeps their text, JSON.parse would not).
import { readFileSync } from 'node:fs';

function read(s) {
	const re = {
		ws: /[ \t\r\n]*/y,
		str: /"(?:[^"\\]|\\.)*"/y,
		lit: /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null/y,
	};
	let i = 0;
	const ws = () => { re.ws.lastIndex = i; re.ws.exec(s); i = re.ws.lastIndex; };
	const tok = (r) => {
		r.lastIndex = i;
		const m = r.exec(s);
		if (!m) throw new Error(`bad JSON at ${i}`);
		i = r.lastIndex;
		return m[0];
	};
	const value = () => {
		ws();
		if (s[i] === '{') {
			const o = new Map();
			i++; ws();
			if (s[i] === '}') { i++; return o; }
			for (;;) {
				ws();
				const k = JSON.parse(tok(re.str));
				ws(); i++;	// ':'
				o.set(k, value());
				ws();
				if (s[i++] === '}') return o;
			}
		}
		if (s[i] === '[') {
			const a = [];
			i++; ws();
			if (s[i] === ']') { i++; return a; }
			for (;;) {
				a.push(value());
				ws();
				if (s[i++] === ']') return a;
			}
		}
		if (s[i] === '"') return JSON.parse(tok(re.str));
		return { lit: tok(re.lit) };
	};
	return value();
}

const reserved = /^(null|Null|NULL|true|True|TRUE|false|False|FALSE|~)$/;
let n = 0;

function key(k) {
	return /^[A-Za-z0-9_\/{}$.+-]+$/.test(k) && !reserved.test(k) &&
	    !/^[-{]/.test(k) ? k : JSON.stringify(k);
}

function scalar(v, pad) {
	if (typeof v !== 'string') return v.lit;
	if (/^[A-Za-z][A-Za-z0-9 _.,()'\/-]*$/.test(v) && !/ $/.test(v) &&
	    !reserved.test(v))
		return v;
	// eslint-disable-next-line no-control-regex
	const ctl = /[\x00-\x09\x0b-\x1f\x7f]/.test(v);
	if (v.includes('\n') && !ctl && !/^[ \n]/.test(v) && !/ \n/.test(v) &&
	    !/ $/.test(v)) {
		const body = v.replace(/\n+$/, '');
		const tail = v.length - body.length;
		const chomp = tail === 0 ? '-' : tail === 1 ? '' : '+';
		const lines = (tail > 1 ? v.slice(0, -1) : body).split('\n');
		return `|${chomp}\n` + lines.map((l) => l ? pad + '  ' + l : '').join('\n');
	}
	if (!ctl && !v.includes('\n') && (n++ % 2) === 0)
		return `'${v.replace(/'/g, "''")}'`;
	return JSON.stringify(v);
}

function isScalar(v) {
	return !(v instanceof Map) && !Array.isArray(v);
}

function block(v, pad) {	// lines of a non-empty mapping or sequence
	const out = [];
	const child = (val, at) => {
		if (val instanceof Map && val.size) return '\n' + block(val, at + '  ');
		if (Array.isArray(val) && val.length) {
			if (val.every(isScalar))
				return ' [' + val.map((x) => typeof x === 'string' ?
				    JSON.stringify(x) : x.lit).join(', ') + ']';
			return '\n' + block(val, at);
		}
		if (val instanceof Map) return ' {}';
		if (Array.isArray(val)) return ' []';
		return ' ' + scalar(val, at);
	};
	if (v instanceof Map) {
		for (const [k, val] of v)
			out.push(`${pad}${key(k)}:${child(val, pad)}`);
	} else {
		for (const item of v) {
			if (item instanceof Map && item.size) {
				const inner = block(item, pad + '  ');
				out.push(pad + '- ' + inner.slice(pad.length + 2));
			} else
				out.push(`${pad}-${child(item, pad)}`);
		}
	}
	return out.join('\n');
}

const doc = read(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(`# ${process.argv[2]} as YAML (tests/integration/json2yaml.mjs)\n---\n` +
    block(doc, '') + '\n');
