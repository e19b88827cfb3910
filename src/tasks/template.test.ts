// Expected strings come from Python jinja2 3.1.6 configured as lm_eval.utils.apply_template does
// (StrictUndefined, keep_trailing_newline=True, regex_replace = re.sub), and from the
// harness requests in ../shared/reference/lm-eval-prompts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { readJsonl, sharedPath } from '../../test/support/shared.js';
import { PyFloat, PyTuple } from './py-values.js';
import { TemplateError, compileTemplate, pyLiteralEval } from './template.js';

const render = (source: string, doc: Record<string, unknown> = {}): string =>
  compileTemplate(source, { name: 'test.doc_to_text' }).render(doc);

// [name, template, doc, jinja2 output]
const JINJA2_CASES: [string, string, Record<string, unknown>, string][] = [
  ["mmlu", "{{question.strip()}}\nA. {{choices[0]}}\nB. {{choices[1]}}\nC. {{choices[2]}}\nD. {{choices[3]}}\nAnswer:", {"question": "  Find the degree of Q(sqrt(2)) over Q.\n", "choices": ["0", "4", " 2 ", "6"], "answer": 1}, "Find the degree of Q(sqrt(2)) over Q.\nA. 0\nB. 4\nC.  2 \nD. 6\nAnswer:"],
  ["mmlu description", "The following are multiple choice questions (with answers) about {{subject|replace('_', ' ')}}.\n\n", {"subject": "high_school_geography"}, "The following are multiple choice questions (with answers) about high school geography.\n\n"],
  ["piqa text", "Question: {{goal}}\nAnswer:", {"goal": "How do I open a jar?"}, "Question: How do I open a jar?\nAnswer:"],
  ["piqa choices", "{{[sol1, sol2]}}", {"sol1": "Use a \"rubber\" grip.", "sol2": "Don't twist\tit\\back."}, "['Use a \"rubber\" grip.', \"Don't twist\\tit\\\\back.\"]"],
  ["piqa choices apostrophe", "{{[sol1, sol2]}}", {"sol1": "it's", "sol2": "caf\u00e9 \u2028 \u0007"}, "[\"it's\", 'caf\u00e9 \\u2028 \\x07']"],
  ["boolq", "{{passage}}\nQuestion: {{question}}?\nAnswer:", {"passage": "Ethanol fuel -- All biomass goes", "question": "does ethanol take more energy"}, "Ethanol fuel -- All biomass goes\nQuestion: does ethanol take more energy?\nAnswer:"],
  ["boolq choices", "['no', 'yes']", {}, "['no', 'yes']"],
  ["gsm8k", "Question: {{question}}\nAnswer:", {"question": "Natalia sold clips?"}, "Question: Natalia sold clips?\nAnswer:"],
  ["lambada text", "{{text.split(' ')[:-1]|join(' ')}}", {"text": "he said  hi\nthere to  the dog"}, "he said  hi\nthere to  the"],
  ["lambada target", "{{' '+text.split(' ')[-1]}}", {"text": "he said  hi\nthere to the\ndog"}, " the\ndog"],
  ["winogrande context", "{{sentence[:sentence.index('_')] + option1}}", {"sentence": "Sarah was a much better surgeon than Maria so _ always got the harder cases.", "option1": "Sarah"}, "Sarah was a much better surgeon than Maria so Sarah"],
  ["winogrande continuation", "{{' ' + sentence[sentence.index('_') + 1:].strip()}}", {"sentence": "Sarah was better than Maria so _  always won. "}, " always won."],
  ["winogrande gold", "{{0 if answer == '1' else 1}}", {"answer": "2"}, "1"],
  ["arc gold", "{{choices.label.index(answerKey)}}", {"choices": {"label": ["1", "2", "3", "4"], "text": ["a", "b", "c", "d"]}, "answerKey": "3"}, "2"],
  ["booleans", "{{ true }} {{ False }} {{ none }} {{ flag }} {{ [true, none] }}", {"flag": true}, "True False None True [True, None]"],
  ["numbers", "{{ 1.0 }} {{ 3/2 }} {{ 7//2 }} {{ -7 % 3 }} {{ 2**10 }} {{ 0.1+0.2 }} {{ 10.0**20 }} {{ 10.0**16 }} {{ 0.00001 }} {{ 2**-1 }} {{ x }} {{ y }}", {"x": 2.5, "y": 7}, "1.0 1.5 3 2 1024 0.30000000000000004 1e+20 1e+16 1e-05 0.5 2.5 7"],
  ["trailing newline", "{{ a }}\n", {"a": "x"}, "x\n"],
  ["two trailing newlines", "{{ a }}\n\n", {"a": "x"}, "x\n\n"],
  ["capitalize", "{{ s.capitalize() }}|{{ s|capitalize }}|{{ s.title() }}|{{ s|title }}|{{ s.upper() }}", {"s": "hELLO wORLD they're (x-ray) [ok]"}, "Hello world they're (x-ray) [ok]|Hello world they're (x-ray) [ok]|Hello World They'Re (X-Ray) [Ok]|Hello World They're (X-Ray) [Ok]|HELLO WORLD THEY'RE (X-RAY) [OK]"],
  ["isdigit", "{{ a.isdigit() }} {{ b.isdigit() }} {{ c.isdigit() }} {{ d.isdigit() }} {{ e.isdigit() }}", {"a": "123", "b": "12.5", "c": "\u00b2\u0663", "d": "", "e": "-1"}, "True False True False False"],
  ["strip", "[{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}][{{ t.strip('xy') }}][{{ s|trim }}]", {"s": " \t\u3000 mid \n\u000b", "t": "xyxhixy"}, "[mid][mid \n\u000b][ \t\u3000 mid][hi][mid]"],
  ["slicing", "{{ s[1:4] }} {{ s[::-1] }} {{ s[-3:] }} {{ s[:-10] }} {{ l[::2] }} {{ l[-1] }} {{ s[0] }}", {"s": "abcdefg", "l": [1, 2, 3, 4, 5]}, "bcd gfedcba efg  [1, 3, 5] 5 a"],
  ["split", "{{ s.split() }} {{ s.split(' ') }} {{ s.split(',', 1) }} {{ s.split(None, 1) }}", {"s": " a,b  c,d "}, "['a,b', 'c,d'] ['', 'a,b', '', 'c,d', ''] [' a', 'b  c,d '] ['a,b', 'c,d ']"],
  ["format", "{{ '{} and {}'.format(a, b) }} {{ '{0}{1}{0}'.format('x', 'y') }} {{ '{name}: {v!r}'.format(name='k', v=a) }} {{ '{:>5}|{:<4}|{:^6}|{:.2f}|{:05d}'.format('r', 'l', 'c', 3.14159, 42) }} {{ '{{}}'.format() }}", {"a": "A", "b": 2}, "A and 2 xyx k: 'A'     r|l   |  c   |3.14|00042 {}"],
  ["regex_replace", "{{ s | regex_replace('(\\\\w+)@(\\\\w+)', '\\\\2 at \\\\1') }}|{{ s | regex_replace('o', '0', 1) }}|{{ s | regex_replace('\\\\s+', ' ') }}|{{ s | regex_replace('$', '!') }}", {"s": "mail bob@host  now\tok\n"}, "mail host at bob  now\tok\n|mail b0b@host  now\tok\n|mail bob@host now ok |mail bob@host  now\tok!\n!"],
  ["regex_replace unicode", "{{ s | regex_replace('\\\\b\\\\w', '_') }}|{{ s | regex_replace('\\\\[.*?\\\\]', '') }}|{{ s | regex_replace('x*', '-') }}", {"s": "caf\u00e9 na\u00efve [title] \u00e9t\u00e9"}, "_af\u00e9 _a\u00efve [_itle] _t\u00e9|caf\u00e9 na\u00efve  \u00e9t\u00e9|-c-a-f-\u00e9- -n-a-\u00ef-v-e- -[-t-i-t-l-e-]- -\u00e9-t-\u00e9-"],
  ["list methods", "{{ l.index('b') }} {{ l.count('a') }} {{ l|length }} {{ l|first }} {{ l|last }} {{ l|join(', ') }} {{ 'b' in l }} {{ 'z' not in l }}", {"l": ["a", "b", "a"]}, "1 2 3 a a a, b, a True True"],
  ["dict", "{{ d.keys()|list }} {{ d['k'] }} {{ d.k }} {{ d.get('z', 'dflt') }} {{ d }}", {"d": {"k": "v", "n": 1}}, "['k', 'n'] v v dflt {'k': 'v', 'n': 1}"],
  ["for loop", "{% for c in choices %}{{ loop.index }}. {{ c }}{% if not loop.last %}\n{% endif %}{% endfor %}", {"choices": ["a", "b", "c"]}, "1. a\n2. b\n3. c"],
  ["for zip letters", "{% for label, text in pairs %}{{ label }}: {{ text }};{% endfor %}", {"pairs": [["A", "x"], ["B", "y"]]}, "A: x;B: y;"],
  ["set and if", "{% set n = items|length %}{% if n > 2 %}many{% elif n == 2 %}two{% else %}few{% endif %} {{ n }}", {"items": [1, 2]}, "two 2"],
  ["default and defined", "{{ missing|default('none here') }} {{ missing is defined }} {{ x is defined }} {{ x|default('d') }}", {"x": ""}, "none here False True "],
  ["ternary and tilde", "{{ 'yes' if ok else 'no' }} {{ a ~ '-' ~ b }} {{ a|string + b|string }}", {"ok": false, "a": 1, "b": 2}, "no 1-2 12"],
  ["repr list mixed", "{{ [a, b, c, d] }} {{ (a, b) }}", {"a": 1, "b": "two", "c": 1.5, "d": null}, "[1, 'two', 1.5, None] (1, 'two')"],
  ["replace filter", "{{ s|replace('a', 'o') }} {{ s.replace('a', 'o', 1) }} {{ s|replace('a', 'e', 2) }}", {"s": "banana"}, "bonono bonana benena"],
  ["int filter", "{{ s|int + 1 }} {{ f|int }} {{ 'x'|int }} {{ '3.9'|int }} {{ s|float }}", {"s": "41", "f": 3.7}, "42 3 0 3 41.0"],
  ["startswith", "{{ s.startswith('ab') }} {{ s.endswith(('x', 'cd')) }} {{ s.find('c') }} {{ s.find('z') }}", {"s": "abcd"}, "True True 2 -1"],
  ["astral", "{{ s[1] }} {{ s|length }} {{ s[::-1] }}", {"s": "a\ud83d\ude00b"}, "\ud83d\ude00 3 b\ud83d\ude00a"],
  ["whitespace control", "A  {{- x -}}  B\n{%- if x %} C {% endif -%}\n D", {"x": "X"}, "AXB C D"],
  ["python string escapes", "{{ s | regex_replace('\\s+', ' ') }}|{{ s | regex_replace(\"\\[.*?\\]\", '') }}|{{ '\\x41\\u00e9\\101\\n' }}|{{ 'a\\'b' }}", {"s": "a  b\t[x] c"}, "a b [x] c|a  b\t c|A\u00e9A\n|a'b"],
  ["octal replacement and comments", "{# \\s #}{{ s|regex_replace('(\\w+) (\\w+)', '\\2 \\1') }} \\d {{ '\\\\d' }}", {"s": "ab cd"}, "\u0002 \u0001 \\d \\d"],
  ["regex_replace group refs", "{{ s|regex_replace('(\\\\w+) (\\\\w+)', '\\\\2 \\\\g<1>') }}|{{ s|regex_replace('(?P<a>b)', '[\\\\g<a>]') }}|{{ s|regex_replace('(?i)AB', 'X') }}", {"s": "ab cd"}, "cd ab|a[b] cd|X cd"],
  ["percent formatting", "{{ '%s has %d (%.2f) %r %%' % (a, n, f, a) }} {{ 'x=%s' % a }}", {"a": "it", "n": 3.9, "f": 2.345}, "it has 3 (2.35) 'it' % x=it"],
  ["loop revindex and else", "{% for x in l %}{{ loop.revindex }}{{ loop.length }}{{ loop.first }}{% else %}empty{% endfor %}|{% for x in e %}x{% else %}empty{% endfor %}", {"l": ["a", "b"], "e": []}, "22True12False|empty"],
  ["comparisons", "{{ 1 < 2 }} {{ 'a' < 'b' }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' in d }} {{ 'ell' in 'hello' }} {{ not 0 }} {{ [] or 'x' }} {{ 0 and 1 }} {{ -3 // 2 }} {{ 2 ** -1 }}", {"d": {"a": 1}}, "True True True True True True True x 0 -2 0.5"],
  ["unicode title case", "{{ s.capitalize() }}|{{ s.title() }}|{{ s|title }}|{{ s|capitalize }}|{{ [s] }}", {"s": "\u00dftra\u00dfe \ufb01sh \u01c6ungla\u001cword (x \u10d0\u10d1"}, "Sstra\u00dfe \ufb01sh \u01c6ungla\u001cword (x \u10d0\u10d1|Sstra\u00dfe Fish \u01c5ungla\u001cWord (X \u10d0\u10d1|SStra\u00dfe FIsh \u01c4ungla\u001cWord (X \u1c90\u10d1|Sstra\u00dfe \ufb01sh \u01c6ungla\u001cword (x \u10d0\u10d1|['\u00dftra\u00dfe \ufb01sh \u01c6ungla\\x1cword (x \u10d0\u10d1']"],
  ["regex_replace anchors with astral characters", "{{ s|regex_replace('\\\\B', '|') }}|{{ s|regex_replace('$', '!') }}|{{ s|regex_replace('\\\\Z', '!') }}|{{ s|regex_replace('\\\\A', '!') }}|{{ s|regex_replace('x*', '-') }}|{{ s|regex_replace('(?m)^', '> ') }}", {"s": "a\ud83d\ude00\nb\ud83d\ude00"}, "a\ud83d\ude00|\nb\ud83d\ude00||a\ud83d\ude00\nb\ud83d\ude00!|a\ud83d\ude00\nb\ud83d\ude00!|!a\ud83d\ude00\nb\ud83d\ude00|-a-\ud83d\ude00-\n-b-\ud83d\ude00-|> a\ud83d\ude00\n> b\ud83d\ude00"],
  ["default filter arguments", "{{ m|default(None) }} {{ m|default('x', true) }} {{ e|default('e', true) }} {{ e|d('e') }} {{ z|default('z', boolean=true) }} {{ m|default(default_value='kw') }}", {"e": "", "z": 0}, "None x e  z kw"],
  ["fixed-point ties round half to even", "{{ '{:.2f} {:.0f} {:.0f} {:.1f} {:.2f} {:.3f}'.format(0.125, 2.5, 3.5, -0.25, 1.005, 2.0625) }} {{ '%.2f %.0f' % (0.375, 0.5) }} {{ '{:.1%}'.format(0.0625) }}", {}, "0.12 2 4 -0.2 1.00 2.062 0.38 0 6.2%"],
];

describe('compileTemplate renders as jinja2 does', () => {
  it.each(JINJA2_CASES)('%s', (_name, source, doc, expected) => {
    expect(render(source, doc)).toBe(expected);
  });

  it('renders the same compiled template over many docs', () => {
    const t = compileTemplate('Question: {{question}}\nAnswer:', { name: 'gsm8k.doc_to_text' });
    expect([t.render({ question: 'a' }), t.render({ question: 'b' })]).toEqual(['Question: a\nAnswer:', 'Question: b\nAnswer:']);
    expect(t.name).toBe('gsm8k.doc_to_text');
  });

  it('treats JSON floats as Python floats and integral numbers as ints', () => {
    expect(render('{{ a }} {{ b }} {{ a / 2 }}', { a: 3, b: 0.5 })).toBe('3 0.5 1.5');
  });
});

describe('strict undefined', () => {
  const failure = (source: string, doc: Record<string, unknown>): TemplateError => {
    try {
      compileTemplate(source, { name: 'mmlu_anatomy.doc_to_text' }).render(doc);
    } catch (e) {
      if (e instanceof TemplateError) return e;
      throw e;
    }
    throw new Error('rendered without error');
  };

  it('names the missing variable and the template', () => {
    const e = failure('{{ question }} {{ choices[0] }}', { choices: ['a'] });
    expect(e).toBeInstanceOf(AssayError);
    expect([e.code, e.variable, e.message]).toEqual(['CONFIG', 'question', `template "mmlu_anatomy.doc_to_text": 'question' is undefined`]);
  });

  it('names a missing field and an index out of range', () => {
    expect(failure('{{ choices.label }}', { choices: { text: [] } }).message).toBe(
      `template "mmlu_anatomy.doc_to_text": 'dict object' has no attribute 'label'`,
    );
    const e = failure('{{ choices[4] }}', { choices: ['a', 'b'] });
    expect([e.variable, e.message]).toEqual(['4', `template "mmlu_anatomy.doc_to_text": 'list object' has no element 4`]);
  });

  it('raises on use inside expressions, not only on output', () => {
    expect(failure('{{ missing ~ "x" }}', {}).variable).toBe('missing');
    expect(failure('{% if missing %}a{% endif %}', {}).variable).toBe('missing');
    expect(failure('{{ missing.strip() }}', {}).variable).toBe('missing');
  });

  it('wraps Python errors and syntax errors with the template name', () => {
    expect(failure("{{ l.index('z') }}", { l: ['a'] }).message).toBe(`template "mmlu_anatomy.doc_to_text": ValueError: 'z' is not in list`);
    expect(failure("{{ s.index('z') }}", { s: 'abc' }).message).toBe(`template "mmlu_anatomy.doc_to_text": ValueError: substring not found`);
    expect(failure('{{ a + b }}', { a: 1, b: 'x' }).message).toBe(
      `template "mmlu_anatomy.doc_to_text": TypeError: unsupported operand type(s) for +: 'int' and 'str'`,
    );
    expect(() => compileTemplate('{{ a ', { name: 'bad.yaml doc_to_text' })).toThrow(/^template "bad.yaml doc_to_text": syntax error: /);
  });
});

describe('constructs outside the supported subset fail with the template name', () => {
  it.each([
    ['{{ 1e20 }}', /^template "t": syntax error: /],
    ['{{ (a,) }}', /^template "t": syntax error: /],
    ['{% raw %}{{ a }}{% endraw %}', /^template "t": syntax error: /],
    ['{% macro m() %}x{% endmacro %}', /^template "t": \{% Macro %\} is not supported in task templates$/],
    ['{% for x in l %}{% break %}{% endfor %}', /^template "t": \{% Break %\} is not supported in task templates$/],
    ['{{ l|sort }}', /^template "t": TemplateAssertionError: no filter named 'sort'$/],
  ])('%s', (source, message) => {
    expect(() => compileTemplate(source, { name: 't' }).render({ a: 1, l: [1] })).toThrow(message);
  });
});

describe('pyLiteralEval', () => {
  it.each<[string, unknown]>([
    ["['no', 'yes']", ['no', 'yes']],
    ['[\'Use a "rubber" grip.\', "Don\'t twist\\tit\\\\back."]', ['Use a "rubber" grip.', "Don't twist\tit\\back."]],
    ["['caf\u00e9 \\u2028 \\x07', '\\U0001f600']", ['caf\u00e9 \u2028 \x07', '\u{1f600}']],
    ['3', 3],
    ['-12', -12],
    [' [1, 2 ,3, ] ', [1, 2, 3]],
    ['[]', []],
    ["'a' \"b\"", 'ab'],
    ['[True, None, False]', [true, null, false]],
  ])('%s', (text, expected) => {
    expect(pyLiteralEval(text)).toEqual(expected);
  });

  it('keeps floats and tuples distinct', () => {
    expect(pyLiteralEval('1.5')).toEqual(new PyFloat(1.5));
    expect(pyLiteralEval('(1, "a")')).toEqual(new PyTuple([1, 'a']));
    expect(pyLiteralEval('(1)')).toBe(1);
  });

  it('round-trips the repr that a rendered list prints', () => {
    const doc = { sol1: "it's \"q\" \\ \n\t\u0000\u00ad\u3000x", sol2: '\u{1f600}' };
    expect(pyLiteralEval(render('{{[sol1, sol2]}}', doc))).toEqual([doc.sol1, doc.sol2]);
  });

  it.each([
    ['Answer: 3', `cannot literal-eval "Answer: 3": unexpected "A" at offset 0; expected an int, a quoted string, or a [list] of them`],
    ["['a', 'b'", `cannot literal-eval "['a', 'b'": expected "," or "]" at offset 9; expected an int, a quoted string, or a [list] of them`],
    ["'abc", `cannot literal-eval "'abc": unterminated string at offset 4; expected an int, a quoted string, or a [list] of them`],
    ['007', `cannot literal-eval "007": leading zeros in an int at offset 3; expected an int, a quoted string, or a [list] of them`],
    ['[1] 2', `cannot literal-eval "[1] 2": trailing text at offset 4; expected an int, a quoted string, or a [list] of them`],
  ])('rejects %s', (text, message) => {
    expect(() => pyLiteralEval(text)).toThrow(message);
  });
});

// The harness's own templates over the public data slices must give its requests byte for byte.
describe('lm-evaluation-harness templates over the shared slices', () => {
  const jsonl = (...parts: string[]): Record<string, unknown>[] =>
    readFileSync(sharedPath(...parts), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const labels = (...parts: string[]): string[] => readFileSync(sharedPath(...parts), 'utf8').split('\n');

  it('piqa: doc_to_text and the literal-eval\'ed doc_to_choice "{{[sol1, sol2]}}"', () => {
    const text = compileTemplate('Question: {{goal}}\nAnswer:', { name: 'piqa.doc_to_text' });
    const choice = compileTemplate('{{[sol1, sol2]}}', { name: 'piqa.doc_to_choice' });
    const ref = readJsonl<{ context: string; continuations: string[]; gold: number }>('reference/lm-eval-prompts/piqa.jsonl');
    const gold = labels('datasets/piqa/valid-labels.lst');
    const docs = jsonl('datasets/piqa/valid.jsonl').slice(0, ref.length);
    const got = docs.map((doc, i) => {
      const choices = pyLiteralEval(choice.render(doc)) as string[];
      return { context: text.render(doc), continuations: choices.map((c) => ` ${c}`), gold: Number(gold[i]) };
    });
    expect(got).toEqual(ref.map(({ context, continuations, gold: g }) => ({ context, continuations, gold: g })));
  });

  // Python csv.reader over the MMLU release files: "" escapes a quote; CRLF or LF ends a record.
  const csvRows = (text: string): string[][] => {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') field += text[i++];
        else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        row.push(field);
        field = '';
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && text[i + 1] === '\n') i++;
        rows.push([...row, field]);
        row = [];
        field = '';
      } else field += ch;
    }
    if (field !== '' || row.length > 0) rows.push([...row, field]);
    return rows;
  };

  it.each(['abstract_algebra', 'high_school_geography', 'college_medicine'])('mmlu_%s 0-shot: description + doc_to_text', (subject) => {
    // The subject YAML's description is plain text ending in "\n\n": rendering must keep both newlines.
    const description = compileTemplate(`The following are multiple choice questions (with answers) about ${subject.replaceAll('_', ' ')}.\n\n`, {
      name: `mmlu_${subject}.description`,
    });
    const text = compileTemplate('{{question.strip()}}\nA. {{choices[0]}}\nB. {{choices[1]}}\nC. {{choices[2]}}\nD. {{choices[3]}}\nAnswer:', {
      name: `mmlu_${subject}.doc_to_text`,
    });
    const ref = readJsonl<{ context: string; gold: number }>(`reference/lm-eval-prompts/mmlu_${subject}.jsonl`);
    const rows = csvRows(readFileSync(sharedPath(`datasets/mmlu/data/test/${subject}_test.csv`), 'utf8')).slice(0, ref.length);
    const got = rows.map((r) => {
      const doc = { question: r[0], subject, choices: r.slice(1, 5), answer: 'ABCD'.indexOf(r[5]) };
      return { context: description.render(doc) + text.render(doc), gold: doc.answer };
    });
    expect(got).toEqual(ref.map(({ context, gold }) => ({ context, gold })));
  });

  it('lambada_openai: split on a single space, last word as target', () => {
    const text = compileTemplate("{{text.split(' ')[:-1]|join(' ')}}", { name: 'lambada_openai.doc_to_text' });
    const target = compileTemplate("{{' '+text.split(' ')[-1]}}", { name: 'lambada_openai.doc_to_target' });
    const ref = readJsonl<{ context: string; continuation: string }>('reference/lm-eval-prompts/lambada_openai.jsonl');
    const docs = jsonl('datasets/lambada_openai/lambada_test.jsonl').slice(0, ref.length);
    expect(docs.map((d) => ({ context: text.render(d), continuation: target.render(d) }))).toEqual(
      ref.map(({ context, continuation }) => ({ context, continuation })),
    );
  });

  it('boolq (super_glue layout): passage, question and the literal choices', () => {
    const text = compileTemplate('{{passage}}\nQuestion: {{question}}?\nAnswer:', { name: 'boolq.doc_to_text' });
    const choices = pyLiteralEval(compileTemplate("['no', 'yes']", { name: 'boolq.doc_to_choice' }).render({})) as string[];
    const ref = readJsonl<{ context: string; continuations: string[]; gold: number }>('reference/lm-eval-prompts/boolq.jsonl');
    const docs = jsonl('datasets/boolq/dev.jsonl').slice(0, ref.length);
    const got = docs.map((d) => {
      const doc = { question: d.question, passage: `${String(d.title)} -- ${String(d.passage)}`, label: d.answer === true ? 1 : 0 };
      return { context: text.render(doc), continuations: choices.map((c) => ` ${c}`), gold: doc.label };
    });
    expect(got).toEqual(ref.map(({ context, continuations, gold }) => ({ context, continuations, gold })));
  });

  it('gsm8k 0-shot: "Question: {{question}}\\nAnswer:"', () => {
    const text = compileTemplate('Question: {{question}}\nAnswer:', { name: 'gsm8k.doc_to_text' });
    const ref = readJsonl<{ context: string }>('reference/lm-eval-prompts/gsm8k_0shot.jsonl');
    const docs = jsonl('datasets/gsm8k/test.jsonl').slice(0, ref.length);
    expect(docs.map((d) => text.render(d))).toEqual(ref.map((r) => r.context));
  });

  it('winogrande: contexts and continuation from sentence.index("_"), gold from answer', () => {
    const ctx = (opt: string): ReturnType<typeof compileTemplate> =>
      compileTemplate(`{{sentence[:sentence.index('_')] + ${opt}}}`, { name: `winogrande.${opt}` });
    const [c1, c2] = [ctx('option1'), ctx('option2')];
    const cont = compileTemplate("{{' ' + sentence[sentence.index('_') + 1:].strip()}}", { name: 'winogrande.target' });
    const gold = compileTemplate("{{0 if answer == '1' else 1}}", { name: 'winogrande.gold' });
    const ref = readJsonl<{ context: string[]; continuations: string[]; gold: number }>('reference/lm-eval-prompts/winogrande.jsonl');
    const answers = labels('datasets/winogrande/dev-labels.lst');
    const docs = jsonl('datasets/winogrande/dev.jsonl').slice(0, ref.length);
    const got = docs.map((d, i) => {
      const doc = { ...d, answer: answers[i] };
      const c = cont.render(doc);
      return { context: [c1.render(doc), c2.render(doc)], continuations: [c, c], gold: Number(gold.render(doc)) };
    });
    expect(got).toEqual(ref.map(({ context, continuations, gold: g }) => ({ context, continuations, gold: g })));
  });
});
