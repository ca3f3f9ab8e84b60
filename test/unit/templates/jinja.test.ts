import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containsJinja, parseTemplate } from '../../../server/src/templates/jinja';

const errorsOf = (source: string) => parseTemplate(source).errors.map((error) => error.message);
const referencesOf = (source: string) =>
  parseTemplate(source).references.map((reference) => [reference.name, ...reference.path.map((segment) => segment.name)].join('.'));

test('finds the variables, attribute chains and filters of expressions', () => {
  const template = parseTemplate("load.sh {{ ds }} {{ data_interval_start | ds_nodash }} {{ var.value.bucket }} {{ params['table'] }}");
  assert.deepEqual(template.errors, []);
  assert.deepEqual(template.references.map((r) => [r.name, ...r.path.map((s) => s.name)].join('.')), ['ds', 'data_interval_start', 'var.value.bucket', 'params.table']);
  assert.deepEqual(template.filters.map((f) => f.name), ['ds_nodash']);
  const ds = template.references[0]!;
  assert.equal(template.source.slice(ds.start, ds.end), 'ds');
});

test('accepts the Jinja that real DAGs use', () => {
  const valid = [
    "{{ macros.ds_add(ds, -7) }}",
    "{{ macros.ds_format(ds, '%Y-%m-%d', '%Y/%m/%d') }}",
    "{{ ti.xcom_pull(task_ids='extract', key='rows') | int + 1 }}",
    "{{ var.json.get('settings', {'a': {'b': 1}}).a }}",
    "{{ {'a': {'b': 1}} }}",
    "{% for table in params.tables if table != 'skip' %}{{ loop.index }} {{ table }}{% else %}none{% endfor %}",
    "{% if ds > '2024-01-01' %}new{% elif ds == '2024-01-01' %}edge{% else %}old{% endif %}",
    "{%- set day = ds | replace('-', '') -%}{{ day }}",
    "{% set ns = namespace(total=0) %}{% set ns.total = ns.total + 1 %}{{ ns.total }}",
    "{% macro cols(names, sep=', ') %}{{ names | join(sep) }}{% endmacro %}{{ cols(['a', 'b']) }}",
    "{% raw %}{{ not jinja }} {% if %}{% endraw %}",
    "{# a comment with {{ braces }} #}text",
    "{{ x if x is defined else 'fallback' }}",
    "{{ n is divisibleby 3 }} {{ items[1:3] }} {{ 'a' 'b' }} {{ (1, 2) }} {{ -1 ** 2 }}",
    "{% with rows = 10 %}{{ rows }}{% endwith %}",
    "{% do params.update({'a': 1}) %}",
    "{% set block_value %}text{% endset %}{{ block_value }}",
    "{% include 'header.sql' ignore missing with context %}",
    "{% from 'macros.sql' import helper as h, other %}{{ h() }}",
    "plain text with } and { and %} and #}",
    "{{ rows.0.name }} {{ 1.5e3 + 2_000 }} {{ items[-1] }} {{ x is not none }}",
  ];
  for (const source of valid) assert.deepEqual(errorsOf(source), [], source);
});

test('reports unbalanced and malformed Jinja with the place it goes wrong', () => {
  const cases: [string, RegExp, string][] = [
    ['echo {{ ds }', /never closed/, '{{'],
    ['echo {{ ds', /never closed/, '{{'],
    ["{{ macros.ds_add(ds, 1 }}", /never closed/, '('],
    ['{{ }}', /Empty expression/, '{{ }}'],
    ['{% if ds %}yes', /never closed with '\{% endif %\}'/, '{% if ds %}'],
    ['{% endfor %}', /no matching/, 'endfor'],
    ['{% for x in y %}{% endif %}', /where '\{% endfor %\}' was expected/, 'endif'],
    ['{{ ds | }}', /Expected a name/, '}}'],
    ['{{ a b }}', /Expected the end of the expression, found 'b'/, 'b'],
    ['{% frobnicate %}', /Unknown tag 'frobnicate'/, 'frobnicate'],
    ['echo ${#array[@]}', /comment is never closed/, '{#'],
    ['{% else %}', /outside an/, 'else'],
    ["{{ 'unclosed }}", /string is never closed/, "'"],
    ['{% raw %}text', /never closed with '\{% endraw %\}'/, '{% raw %}'],
  ];
  for (const [source, message, at] of cases) {
    const template = parseTemplate(source);
    // Jinja stops at the first error; later ones may be consequences of it.
    assert.ok(template.errors.length >= 1, source);
    const error = template.errors[0]!;
    assert.match(error.message, message, source);
    assert.equal(source.slice(error.start, error.end), at, source);
  }
});

test('records names the template binds itself', () => {
  const template = parseTemplate("{% set a = 1 %}{% for k, v in d.items() %}{% endfor %}{% macro m(p, q=2) %}{% endmacro %}{% import 'x' as lib %}");
  assert.deepEqual(template.definitions.map((d) => d.name), ['a', 'k', 'v', 'm', 'p', 'q', 'lib']);
  assert.deepEqual(referencesOf("{% set a = 1 %}"), []);
});

test('does not treat keyword arguments or literals as variables', () => {
  assert.deepEqual(referencesOf("{{ ti.xcom_pull(task_ids='a', key=None) }} {{ true }} {{ none }}"), ['ti.xcom_pull']);
});

test('keeps work bounded and never throws on hostile input', () => {
  const deep = (open: string, close: string) => `{{ ${open.repeat(1000)}x${close.repeat(1000)} }}`;
  for (const source of [deep('(', ')'), deep('[', ']'), deep('not ', ''), deep('- ', ''), deep('a(', ')'), deep('x if y else ', '')]) {
    const template = parseTemplate(source);
    assert.match(template.errors[0]?.message ?? '', /nested too deeply/, source.slice(0, 20));
  }
  const hostile = ['{{'.repeat(2000), '{%'.repeat(2000), '{{ ' + '('.repeat(10000) + ' }}', '{{ a' + '.b'.repeat(5000) + ' }}', '{% for %}', '{% set %}', '{{ x is }}'];
  for (const source of hostile) assert.ok(Array.isArray(parseTemplate(source).errors));
});

test('knows whether a text contains Jinja at all', () => {
  assert.equal(containsJinja('SELECT 1'), false);
  assert.equal(containsJinja('{ "json": true }'), false);
  assert.equal(containsJinja('a {{ b }}'), true);
  assert.equal(containsJinja('a {% b %}'), true);
});
