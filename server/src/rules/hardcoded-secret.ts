import type { ExprValue, Range } from '../analyzer/model';
import type { Rule } from './rule';
import { forEachWrittenValue, literalString, normalizedName, rangeKey } from './support/expressions';
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
    const { file } = context;
    const reported = new Set<string>();
    const report = (range: Range, messageId: string, args: Record<string, string>) => {
      const key = rangeKey(range);
      if (reported.has(key)) return;
      reported.add(key);
      context.report({ messageId, args, range });
    };
    const secretNames = new Map<string, boolean>();
    const checkNamed = (name: string, value: ExprValue) => {
      if (value.kind !== 'string') return;
      let candidate = secretNames.get(name);
      if (candidate === undefined) {
        const lower = normalizedName(name);
        candidate = lower === 'authorization' || lower === 'proxy_authorization' || (SECRET_NAME.test(lower) && !REFERENCE_NAME.test(lower));
        secretNames.set(name, candidate);
      }
      if (!candidate) return;
      const literal = literalString(value);
      if (literal === null) return;
      const normalized = normalizedName(name);
      if (normalized === 'authorization' || normalized === 'proxy_authorization') {
        const credential = /^(?:bearer|basic|token)\s+(\S+)$/i.exec(literal.trim());
        if (credential && !isPlaceholder(credential[1]!)) report(value.range, 'named', { name });
        return;
      }
      if (!SECRET_NAME.test(normalized) || REFERENCE_NAME.test(normalized)) return;
      if (isPlaceholder(literal) || literal.toLowerCase() === normalized || /\s/.test(literal.trim())) return;
      report(value.range, 'named', { name });
    };
    const checkLiteral = (value: ExprValue) => {
      const literal = literalString(value);
      if (literal === null || value.kind !== 'string' || literal.length < 16) return;
      const uri = literal.includes('@') ? URI_WITH_PASSWORD.exec(literal) : null;
      if (uri && !isPlaceholder(uri[2]!)) {
        report(value.range, 'uri', {});
        return;
      }
      if (literal.length > 4096 || !KNOWN_FORMAT_HINT.test(literal)) return;
      const known = KNOWN_FORMATS.find((format) => format.pattern.test(literal));
      if (known) report(value.range, 'format', { what: known.what });
    };

    forEachWrittenValue(file, (name, value) => {
      if (value.kind !== 'string') return;
      if (name !== null) checkNamed(name, value);
      checkLiteral(value);
    });
  },
};
