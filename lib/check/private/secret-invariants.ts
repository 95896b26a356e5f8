import { TerraformOutput } from '../terraform-output';
import { VerifyRule } from '../verify-rule';
import { objectName, VerifyContext, forEachScalar } from './verify-context';

/** Attribute names (without a `_wo` suffix) whose value is a secret. */
const SENSITIVE_NAMES = ['password', 'secret_key', 'token_reviewer_jwt', 'service_account_jwt', 'private_key', 'data_json',
  'bindpass', 'credentials', 'client_secret', 'secret_id', 'token', 'pem_bundle', 'root_password', 'access_token', 'api_key'];
const SENSITIVE_SUFFIXES = ['_password', '_secret', '_secret_key', '_private_key', '_jwt', '_token'];

/** Mixed case and digits: hex digests and identifiers are not secret keys. */
function isMixedKey(m: string): boolean {
  return /[a-z]/.test(m) && /[A-Z]/.test(m) && /[0-9]/.test(m);
}

/** `scheme://user:password@` with a password that is neither a Vault template nor a reference. */
const URL_CREDENTIALS = /:\/\/[^:@/\s]+:([^@/\s]+)@/;

/**
 * Key material shapes. `hint` is a substring every match contains, and
 * `scan` a one-pass search equal to the expression, so the megabytes of
 * output verify scans mostly cost one `indexOf` per string.
 */
const PATTERNS: Array<{ what: string; re: RegExp; hint?: string[]; scan?: (value: string) => boolean; accept?: (m: string) => boolean }> = [
  { what: 'a private-key PEM block', re: /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/, hint: ['PRIVATE KEY'] },
  { what: 'an AWS access key id', re: /(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/, hint: ['AKIA', 'ASIA'] },
  {
    what: 'an AWS secret access key shape (40 base64 characters)',
    re: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/,
    scan: value => value.length >= 40 && awsSecretShapeIn(value),
    // Mixed case and digits: hex digests and identifiers are not secret keys.
    accept: isMixedKey,
  },
];

/** Whether an attribute name holds a secret. */
export function isSensitiveName(key: string): boolean {
  const base = key.replace(/_wo$/, '');
  return SENSITIVE_NAMES.includes(base) || SENSITIVE_SUFFIXES.some(s => base.endsWith(s));
}

/** Each pattern compiled once, global (verify scans every string of megabytes of output). */
const GLOBAL_PATTERNS = PATTERNS.map(p => ({ ...p, re: new RegExp(p.re.source, p.re.flags.includes('g') ? p.re.flags : `${p.re.flags}g`) }));
/** No pattern matches fewer characters (an AWS access key id: 20). */
const SHORTEST_MATCH = 20;

/** Whether a UTF-16 code unit is one of `[A-Za-z0-9/+]`. */
function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 47 || c === 43;
}

/**
 * The AWS secret key shape, as the pattern's regular expression matches it:
 * a maximal run of exactly 40 `[A-Za-z0-9/+]` with no `=` on either side,
 * accepted when mixed. Skips ahead as string search does: when the last
 * character of a 40-character window is not a key character, no run can
 * start inside the window, so most text is read one character in many
 * (the expression retries up to 40 characters at every position).
 */
function awsSecretShapeIn(value: string): boolean {
  const n = value.length;
  // Invariant: `i` is 0 or follows a character that is not a key character.
  let i = 0;
  while (i + 40 <= n) {
    let j = i + 39;
    while (j >= i && isKeyChar(value.charCodeAt(j))) j--;
    if (j >= i) {
      i = j + 1;
      continue;
    }
    let end = i + 40;
    while (end < n && isKeyChar(value.charCodeAt(end))) end++;
    if (end - i === 40 && (i === 0 || value.charCodeAt(i - 1) !== 61) && (end === n || value.charCodeAt(end) !== 61)
      && isMixedKey(value.slice(i, end))) {
      return true;
    }
    i = end + 1;
  }
  return false;
}

/** What a string value looks like, if it looks like key material. */
export function patternIn(value: string): string | undefined {
  if (value.length < SHORTEST_MATCH) {
    return undefined;
  }
  for (const p of GLOBAL_PATTERNS) {
    if (p.scan) {
      if (p.scan(value)) {
        return p.what;
      }
      continue;
    }
    if (p.hint && !p.hint.some(h => value.includes(h))) {
      continue;
    }
    p.re.lastIndex = 0;
    for (let m = p.re.exec(value); m !== null; m = p.re.exec(value)) {
      if (!p.accept || p.accept(m[0])) {
        return p.what;
      }
      // Never loops on an empty match (none of the patterns can match empty; this keeps it so).
      if (m[0].length === 0) p.re.lastIndex++;
    }
  }
  return undefined;
}

/**
 * The patterns' regular expressions applied one by one, without the fast
 * paths: the reference `patternIn` is tested against.
 * @internal
 */
export function patternInByExpressions(value: string): string | undefined {
  for (const p of GLOBAL_PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(value); m !== null; m = p.re.exec(value)) {
      if (!p.accept || p.accept(m[0])) {
        return p.what;
      }
    }
  }
  return undefined;
}

/**
 * No secret literals in the Terraform JSON: sensitive attributes hold a
 * `${var.x}` reference (to a sensitive variable without default) or a
 * computed reference; connection URLs carry no inline password; sensitive
 * variables have no default; no key material anywhere.
 */
export function checkTerraformSecrets(ctx: VerifyContext): void {
  const tf = ctx.terraform;
  const reported = new Set<string>();
  const checkedVars = new Set<string>();
  const blocks: Array<{ address: string; stack: string; attributes: any }> = [
    ...tf.resources,
    ...tf.documents.flatMap((doc, i) => Object.entries<any>(doc?.provider ?? {}).flatMap(([name, configs]) =>
      (Array.isArray(configs) ? configs : [configs]).map((attributes, j) => ({ address: `provider.${name}[${j}]`, stack: tf.stacks[i], attributes })))),
  ];
  for (const block of blocks) {
    forEachScalar(block.attributes, (field, key, value) => {
      if (typeof value !== 'string' || value.length === 0) {
        return;
      }
      if (key === 'connection_url' || key.endsWith('_url') || key === 'url') {
        const m = URL_CREDENTIALS.exec(value);
        if (m && !/^\{\{\s*password\s*\}\}$/.test(m[1]) && !/^\$\{var\.[^}]+\}$/.test(m[1])) {
          reported.add(`${block.address}|${field}`);
          ctx.report(VerifyRule.TF_SECRET_LITERAL, block.address,
            `${field} embeds a password literal (${value.replace(m[1], '***')}), so it is stored in the synthesized JSON and the state`,
            'use the "{{username}}:{{password}}" templates in the URL and pass the password through a sensitive variable (password_wo)');
        }
        return;
      }
      if (!isSensitiveName(key)) {
        return;
      }
      const ref = TerraformOutput.referenceOf(value);
      if (ref === undefined) {
        reported.add(`${block.address}|${field}`);
        ctx.report(VerifyRule.TF_SECRET_LITERAL, block.address,
          `${field} is a literal (${value.length} characters), so the secret is in the synthesized JSON and the state`,
          `declare a TerraformVariable with sensitive: true and no default, and set ${field} to \${var.<name>} (prefer the write-only ${key.endsWith('_wo') ? key : `${key}_wo`} attribute where the provider has one)`);
        return;
      }
      const varName = /^var\.([A-Za-z0-9_-]+)$/.exec(ref)?.[1];
      if (varName === undefined || checkedVars.has(`${block.stack}|${varName}`)) {
        return;
      }
      checkedVars.add(`${block.stack}|${varName}`);
      const v = tf.variable(varName, block.stack);
      if (!v || !v.sensitive) {
        ctx.report(VerifyRule.TF_VARIABLE, `var.${varName}`,
          `feeds ${block.address} ${field} but is ${v ? 'not marked sensitive' : 'not declared'}${v?.hasDefault ? ' and declares a default value (written in the synthesized JSON)' : ''}, so plans and logs print the secret`,
          `declare variable "${varName}" with sensitive: true and no default`);
      }
    });
  }
  for (const v of tf.variables.filter(x => x.sensitive && x.hasDefault)) {
    ctx.report(VerifyRule.TF_VARIABLE, `var.${v.name}`, 'is sensitive but declares a default value, which is written in the synthesized JSON',
      'remove the default and supply the value at apply time (TF_VAR_…)');
  }
  // Key material anywhere in the Terraform JSON.
  tf.documents.forEach((doc, i) => {
    const scan = (obj: any, at: string[]): void => {
      if (Array.isArray(obj)) {
        obj.forEach((v, j) => scan(v, [...at.slice(0, -1), `${at[at.length - 1]}[${j}]`]));
        return;
      }
      if (obj && typeof obj === 'object') {
        for (const [k, v] of Object.entries(obj)) {
          if (k !== '//') {
            scan(v, [...at, k]);
          }
        }
        return;
      }
      if (typeof obj !== 'string') {
        return;
      }
      const what = patternIn(obj);
      if (!what) {
        return;
      }
      // resource.<type>.<name>.<field…> → address + field.
      const isResource = (at[0] === 'resource' || at[0] === 'data') && at.length >= 3;
      const address = isResource ? `${at[0] === 'data' ? 'data.' : ''}${at[1]}.${at[2]}` : `${tf.stacks[i]}`;
      const field = (isResource ? at.slice(3) : at).join('.');
      if (!reported.has(`${address}|${field}`)) {
        ctx.report(VerifyRule.SECRET_PATTERN, address, `${field} holds ${what}`,
          'remove the key material: pass it through a sensitive variable or let Vault generate it');
      }
    };
    scan(doc, []);
  });
}

/** No key material in any Kubernetes object (contract text included). */
export function checkManifestSecrets(ctx: VerifyContext): void {
  // The field path is a stack of steps, joined only for a finding: most of
  // the megabytes scanned hold none.
  const steps: Array<string | number> = [];
  const field = (): string => steps.map((s, i) => typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`).join('');
  for (const m of ctx.manifests) {
    if (m.kind === 'Secret') {
      continue;
    }
    const scan = (obj: any): void => {
      if (Array.isArray(obj)) {
        for (let j = 0; j < obj.length; j++) {
          steps.push(j);
          scan(obj[j]);
          steps.pop();
        }
      } else if (obj && typeof obj === 'object') {
        for (const k of Object.keys(obj)) {
          steps.push(k);
          scan(obj[k]);
          steps.pop();
        }
      } else if (typeof obj === 'string') {
        const what = patternIn(obj);
        if (what) {
          ctx.report(VerifyRule.SECRET_PATTERN, objectName(m), `${field()} holds ${what}`,
            'remove the key material: agents read credentials from Vault');
        }
      }
    };
    scan(m);
  }
}
