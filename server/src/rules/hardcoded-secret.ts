import { detached } from '../analyzer/detached';
import type { ExprValue } from '../analyzer/model';
import type { Rule } from './rule';
import { forEachValueWrittenBy, forEachWritingFact, literalString, normalizedName, rangeKey, type WritingFact } from './support/expressions';
import { NOTHING, PerObjectMemo } from './support/memo';
import { deduplicated } from './support/report';

/** Names whose value is a credential: `password`, `db_password`, `api_key`, `AWS_SECRET_ACCESS_KEY`, `auth_token`. */
const SECRET_NAME = /(?:^|_)(password|passwd|pwd|secret|secret_key|secret_access_key|client_secret|api_key|apikey|access_token|auth_token|refresh_token|bearer_token|token|private_key|credentials?)$/;

/** Names that end like a secret but hold a reference to one (`password_conn_id`, `token_path`, `secret_name`). */
const REFERENCE_NAME = /(_id|_ids|_name|_path|_file|_var|_env|_key_name|_field|_type|_url|_uri|_header|_prefix|_suffix|_length)$/;

/** Well-known credential formats, recognised whatever the name they are assigned to. */
const KNOWN_FORMATS: { pattern: RegExp; what: string }[] = [
  { pattern: /^(AKIA|ASIA)[0-9A-Z]{16}$/, what: 'an AWS access key id' },
  { pattern: /^gh[pousr]_[A-Za-z0-9]{36,}$/, what: 'a GitHub token' },
  { pattern: /^xox[abposr]-[A-Za-z0-9-]{10,}$/, what: 'a Slack token' },
  { pattern: /^https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}$/, what: 'a Slack webhook URL' },
  { pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/, what: 'a private key' },
  { pattern: /^sk_live_[A-Za-z0-9]{16,}$/, what: 'a Stripe secret key' },
  { pattern: /^AIza[0-9A-Za-z_-]{35}$/, what: 'a Google API key' },
];

/** Something every known format contains, to skip the ordinary strings with one test. */
const KNOWN_FORMAT_HINT = /AKIA|ASIA|gh[pousr]_|xox[abposr]-|hooks\.slack\.com|PRIVATE KEY|sk_live_|AIza/;

/** `scheme://user:password@host`: a connection URI carrying its password. */
const URI_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/([^\s:/@]*):([^\s@/]+)@[^\s]/i;

/** Values that only stand in for a secret: empty, templated, masked or obviously fake. */
function isPlaceholder(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length < 4) return true;
  if (/\{\{|\{%|\$\{|%\(|^\$[A-Z_]+$|^<.*>$|^\*+$|^x+$|^\.+$/i.test(trimmed)) return true;
  // A reference to where a secret lives (a secrets-manager path, an ARN, a URL, a file) is not one.
  if (/^(arn:|projects\/|https?:\/\/|s3:\/\/|gs:\/\/|vault:|\/)/i.test(trimmed) || /^[\w.-]+(\/[\w.-]+)+$/.test(trimmed)) return true;
  if (/^(changeme|change_me|placeholder|password|secret|token|redacted|dummy|example|test|testing|none|null|your[_-].*|my[_-].*|replace[_-]?me|todo|tbd|fake.*|sample.*|xxx.*)$/i.test(trimmed)) return true;
  return false;
}

/**
 * Credentials written as literals in DAG code: values of secret-named keywords, dict keys and
 * variables; connection URIs with a password; well-known token formats. Placeholders, templates,
 * environment look-ups and other non-literals are never reported.
 */
export const hardcodedSecret: Rule = {
  meta: {
    id: 'hardcoded-secret',
    summary: 'A password, token, key or connection URI with credentials is written as a literal in DAG code.',
    defaultSeverity: 'warning',
    category: 'security',
    fix: 'none',
    messages: {
      named: '"{name}" is set to a literal secret; store it in an Airflow Connection or a secrets backend and read it at run time.',
      uri: 'This connection URI contains a password; define an Airflow Connection (or use a secrets backend) and refer to it by conn_id.',
      format: 'This literal looks like {what}; keep it in an Airflow Connection or a secrets backend, not in DAG code.',
    },
    docs: {
      whatItDoes:
        'Finds credentials written as string literals: the value of a keyword argument, dict key or variable named like a secret (`password`, `api_key`, `token`, `client_secret`, …), a connection URI with a password (`postgresql://etl:hunter2@db/warehouse`), and well-known token formats (AWS access keys, GitHub and Slack tokens, Slack webhooks, private keys). Empty strings, placeholders (`changeme`, `<password>`, `***`), Jinja templates, environment look-ups and names that refer to a secret (`password_conn_id`) are not reported.',
      whyIsThisBad:
        'DAG files live in version control, are copied to every scheduler and worker, and their source is shown in the Airflow UI (Code view) to everyone who can see the DAG. A credential written there leaks to all of them and survives in git history after it is removed. Airflow Connections and secrets backends keep credentials out of code, mask them in logs, and let them be rotated without a deploy.',
      example: 'load = PostgresOperator(task_id="load", sql="load.sql", postgres_conn_id="warehouse", parameters={"password": "s3cr3t-Pa55"})',
      useInstead: 'load = SQLExecuteQueryOperator(task_id="load", sql="load.sql", conn_id="warehouse")',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const reported = new Set<string>();
    forEachWritingFact(context.file, (fact) => {
      const secrets = secretsIn.get(fact);
      // Indexed: nearly every fact has none, and an iterator per fact would be most of the allocation here.
      for (let i = 0; i < secrets.length; i++) {
        const secret = secrets[i]!;
        const key = rangeKey(secret.value.range);
        if (reported.has(key)) continue;
        reported.add(key);
        context.report({ messageId: secret.messageId, args: secret.args, range: secret.value.range });
      }
    });
  },
};

/** A literal that looks like a secret, and which message says so. */
interface Secret {
  value: ExprValue;
  messageId: 'named' | 'uri' | 'format';
  args: Record<string, string>;
}

/**
 * Names already classified: a file writes the same few argument and key names thousands of times, and a
 * first analysis asks about each of them. Bounded, since names are whatever the user types.
 */
const secretNames = new Map<string, boolean>();
const MAX_SECRET_NAMES = 4096;

/** Whether a name is one a secret is stored under (asked only for facts not seen before). */
function isSecretName(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    const lower = normalizedName(name);
    secret = lower === 'authorization' || lower === 'proxy_authorization' || (SECRET_NAME.test(lower) && !REFERENCE_NAME.test(lower));
    if (secretNames.size >= MAX_SECRET_NAMES) secretNames.clear();
    // A copy: a slice of the document would keep this version of it alive.
    secretNames.set(detached(name), secret);
  }
  return secret;
}

/** The secrets a call or assignment writes: a function of the fact alone, so worked out once per fact. */
const secretsIn = new PerObjectMemo<WritingFact, readonly Secret[]>((fact) => {
  let found: Secret[] | null = null;
  forEachValueWrittenBy(fact, (name, value) => {
    if (value.kind !== 'string') return;
    const secret = (name !== null ? namedSecret(name, value) : null) ?? literalSecret(value);
    if (secret) (found ??= []).push(secret);
  });
  return found ?? NOTHING;
});

/** A literal secret under a secret-like name (`password="..."`, `"api_key": "..."`), else null. */
function namedSecret(name: string, value: ExprValue): Secret | null {
  if (!isSecretName(name)) return null;
  const literal = literalString(value);
  if (literal === null) return null;
  const normalized = normalizedName(name);
  const secret: Secret = { value, messageId: 'named', args: { name } };
  if (normalized === 'authorization' || normalized === 'proxy_authorization') {
    const credential = /^(?:bearer|basic|token)\s+(\S+)$/i.exec(literal.trim());
    return credential && !isPlaceholder(credential[1]!) ? secret : null;
  }
  if (isPlaceholder(literal) || literal.toLowerCase() === normalized || /\s/.test(literal.trim())) return null;
  return secret;
}

/** A connection URI with a password or a well-known credential format, whatever its name, else null. */
function literalSecret(value: ExprValue): Secret | null {
  const literal = literalString(value);
  if (literal === null || literal.length < 16) return null;
  const uri = literal.includes('@') ? URI_WITH_PASSWORD.exec(literal) : null;
  if (uri && !isPlaceholder(uri[2]!)) return { value, messageId: 'uri', args: {} };
  if (literal.length > 4096 || !KNOWN_FORMAT_HINT.test(literal)) return null;
  const known = KNOWN_FORMATS.find((format) => format.pattern.test(literal));
  return known ? { value, messageId: 'format', args: { what: known.what } } : null;
}
