import { LauncherContract, LauncherContractDocument } from '../../model/launcher-contract';
import { LauncherRevocationPolicy } from '../../model/launcher-revocation-policy';
import { TrustNames } from '../../model/trust-names';
import { VaultPathRules } from '../../model/private/vault-path-rules';
import { TerraformOutput, TerraformResource } from '../terraform-output';
import { VerifyRule } from '../verify-rule';
import { contractObject } from './k8s-invariants';
import { ladderSteps, VerifiedPhase, verifiedPhases, show, ttlSeconds, VerifyContext, forEachScalar } from './verify-context';
import { InputRules } from '../../model/private/input-rules';
import { VerifyDefaults } from './verify-defaults';
import { JWT_ROLE, K8S_ROLE, VaultRoleIndex } from './vault-role-index';

const TTL_KEY = /(^|_)ttl(_seconds)?$/;
const RENEW_SELF = 'auth/token/renew-self';
const REVOKE_SELF = 'auth/token/revoke-self';


/**
 * The token_ttl bound of phase roles used by `contracts`: the shortest TTL
 * they state in `vaultToken.ttlSeconds` (the default bound for a contract
 * that states none), lowered by the reviewer's own bound when given.
 */
export function tokenTtlBound(contracts: LauncherContractDocument[], reviewerBound?: number): number {
  const stated = contracts.map(c => (typeof c.vaultToken?.ttlSeconds === 'number' ? c.vaultToken.ttlSeconds : VerifyDefaults.TOKEN_TTL_BOUND_SECONDS));
  return Math.min(...(stated.length ? stated : [VerifyDefaults.TOKEN_TTL_BOUND_SECONDS]), ...(reviewerBound !== undefined ? [reviewerBound] : []));
}

/** The value of an env variable of the contract template's agent container. */
function agentEnv(c: LauncherContractDocument, name: string): unknown {
  const container = (c.jobTemplate?.spec?.template?.spec?.containers ?? []).find((x: any) => x?.name === c.containerName);
  const entry = (Array.isArray(container?.env) ? container.env : []).find((e: any) => e?.name === name);
  return entry?.value;
}

/** The renewal interval the template gives the agent, in seconds (undefined when absent or not a whole number ≥ 1). */
function renewIntervalOf(c: LauncherContractDocument): number | undefined {
  const value = agentEnv(c, c.vaultToken?.renewIntervalEnv ?? LauncherContract.RENEW_INTERVAL_ENV);
  return typeof value === 'string' && /^[1-9][0-9]*$/.test(value) ? Number(value) : undefined;
}

/** The Job deadline the Vault side must match: the longest template deadline of the contracts. */
export function deadlineOf(contracts: LauncherContractDocument[]): number | undefined {
  const values = contracts.map(c => (typeof c.jobTemplate?.spec?.activeDeadlineSeconds === 'number'
    ? c.jobTemplate.spec.activeDeadlineSeconds : c.jobDeadlineSeconds)).filter(v => typeof v === 'number' && v > 0);
  return values.length ? Math.max(...values) : undefined;
}

/**
 * Explicit audiences of the projected service-account tokens in a
 * contract's Job template. A projected token without an audience is a
 * Kubernetes API token (the API server's default audience), not a Vault
 * login token, so it is not listed.
 */
function tokenAudiences(c: LauncherContractDocument): string[] {
  const out: string[] = [];
  for (const v of c.jobTemplate?.spec?.template?.spec?.volumes ?? []) {
    for (const s of v?.projected?.sources ?? []) {
      const audience = s?.serviceAccountToken?.audience;
      if (typeof audience === 'string' && audience.length > 0) {
        out.push(audience);
      }
    }
  }
  return out;
}

function list(value: any): string[] {
  return Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)];
}

/** Checks shared by Kubernetes and JWT roles of a phase: token policies, TTL bounds and renewal before expiry. */
function checkTokenSettings(ctx: VerifyContext, row: VerifiedPhase, role: TerraformResource, deadline: number | undefined,
  contracts: LauncherContractDocument[]): void {
  const a = role.attributes;
  const policy = row.vaultPolicy;
  if (a.token_no_default_policy !== true) {
    ctx.report(VerifyRule.TOKEN_DEFAULT_POLICY, role.address, `token_no_default_policy is ${show(a.token_no_default_policy)}, so phase "${row.name}" tokens also get Vault's "default" policy`,
      'set token_no_default_policy: true');
  }
  const policies = list(a.token_policies);
  if (!(policies.length === 1 && policies[0] === policy)) {
    ctx.report(VerifyRule.TOKEN_POLICIES, role.address, `token_policies is ${show(a.token_policies)} but phase "${row.name}" tokens must carry exactly ["${policy}"]`,
      `set token_policies: ["${policy}"]`);
  }
  const ttl = ttlSeconds(a.token_ttl);
  const bound = tokenTtlBound(contracts, ctx.tokenTtlBoundSeconds);
  if (ttl === undefined || ttl <= 0) {
    ctx.report(VerifyRule.TOKEN_TTL_BOUND, role.address,
      `token_ttl is ${show(a.token_ttl)}: phase "${row.name}" tokens get the mount's default TTL (768h unless tuned), so a crashed agent's token and leases live until the max TTL`,
      `set token_ttl to at most ${bound} (AgentFleet vaultTokenTtl)`);
  } else if (ttl > bound) {
    ctx.report(VerifyRule.TOKEN_TTL_BOUND, role.address,
      `token_ttl is ${show(a.token_ttl)} (${ttl}s), above the bound of ${bound}s: a crashed agent's token, and every lease under it, would outlive its investigation by up to ${ttl}s`,
      `set token_ttl to at most ${bound}; the agent renews it every VAULT_TOKEN_RENEW_INTERVAL up to token_explicit_max_ttl`);
  }
  if (ttl !== undefined && ttl > 0) {
    for (const c of contracts) {
      const interval = renewIntervalOf(c);
      if (interval !== undefined && interval >= ttl) {
        ctx.report(VerifyRule.TOKEN_RENEWAL, role.address,
          `token_ttl is ${ttl}s but agent "${c.agent}" renews only every ${interval}s: its token (and every lease under it) expires between renewals`,
          `renew more often than token_ttl (half of it, AgentFleet tokenRenewIntervalSeconds), or regenerate both sides from the same fleet`);
      }
    }
  }
  if (deadline === undefined) {
    return;
  }
  const explicitMax = [ttlSeconds(a.token_explicit_max_ttl), ttlSeconds(a.token_max_ttl)].filter((v): v is number => v !== undefined && v > 0);
  if (explicitMax.length === 0) {
    ctx.report(VerifyRule.TTL_TOO_LONG, role.address,
      `neither token_explicit_max_ttl nor token_max_ttl is set (${show(a.token_explicit_max_ttl)}, ${show(a.token_max_ttl)}), so tokens renew up to the system maximum`,
      `set token_explicit_max_ttl to the Job deadline plus the margin (${deadline + ctx.marginSeconds})`);
    return;
  }
  const max = Math.min(...explicitMax);
  const stated = contracts.map(c => c.vaultToken?.explicitMaxTtlSeconds).filter((v): v is number => typeof v === 'number');
  if (max <= deadline + ctx.marginSeconds && stated.length > 0 && max > Math.min(...stated)) {
    // Within the margin (above it is checkTtls' finding), but longer than the contract, and the report a reviewer signs, say.
    ctx.report(VerifyRule.TTL_TOO_LONG, role.address,
      `token_explicit_max_ttl is ${show(a.token_explicit_max_ttl)}, longer than the ${Math.min(...stated)}s the launcher contract states (vaultToken.explicitMaxTtlSeconds)`,
      `set token_explicit_max_ttl to ${Math.min(...stated)}, or regenerate both sides from the same fleet`);
  }
  if (a.token_type === 'batch') {
    // Batch tokens cannot be renewed: token_ttl is their whole life.
    if (ttl !== undefined && ttl > 0 && ttl < deadline) {
      ctx.report(VerifyRule.TTL_TOO_SHORT, role.address,
        `token_type is "batch" (not renewable) and token_ttl is ${ttl}s, shorter than the Job deadline of ${deadline}s: the token and its leases die before the investigation ends`,
        'use token_type "service" (renewable and revocable), or a token_ttl of the Job deadline');
    }
  } else if (max < deadline) {
    ctx.report(VerifyRule.TTL_TOO_SHORT, role.address,
      `token_explicit_max_ttl is ${show(a.token_explicit_max_ttl)}${a.token_max_ttl !== undefined ? ` (token_max_ttl ${show(a.token_max_ttl)})` : ''}, shorter than the Job deadline of ${deadline}s: even renewed, the token (and its leases) would die before the investigation`,
      `set token_explicit_max_ttl to the Job deadline plus the margin (${deadline + ctx.marginSeconds})`);
  }
}

/** The phase roles (Kubernetes and JWT) of the contracts' phases, each found on its contract's mount (`VaultRoleIndex`). */
function phaseRoles(ctx: VerifyContext): TerraformResource[] {
  const index = VaultRoleIndex.of(ctx);
  const out = new Set<TerraformResource>();
  for (const row of verifiedPhases(ctx.contracts)) {
    const found = index.rolesOf(row);
    for (const r of [...found.kubernetes, ...found.jwt]) {
      out.add(r.resource);
    }
  }
  return [...out];
}

/**
 * The agent's duties the Job template must state: renew its token
 * (VAULT_TOKEN_RENEW_INTERVAL, a whole number of seconds) and revoke it on
 * exit (VAULT_REVOKE_ON_EXIT=true). Whether the interval beats token_ttl is
 * checked per role (checkVaultRoles).
 */
export function checkTokenDuties(ctx: VerifyContext): void {
  for (const c of ctx.contracts) {
    const renewEnv = c.vaultToken?.renewIntervalEnv ?? LauncherContract.RENEW_INTERVAL_ENV;
    const revokeEnv = c.vaultToken?.revokeOnExitEnv ?? LauncherContract.REVOKE_ON_EXIT_ENV;
    if (renewIntervalOf(c) === undefined) {
      ctx.report(VerifyRule.TOKEN_RENEWAL, contractObject(c),
        `the Job template's agent container sets ${renewEnv} to ${show(agentEnv(c, renewEnv))}, not a whole number of seconds: agent "${c.agent}" is not told to renew its short-lived Vault token`,
        `set ${renewEnv} to half the phase roles' token_ttl (AgentJobTemplate does)`);
    }
    if (agentEnv(c, revokeEnv) !== 'true') {
      ctx.report(VerifyRule.TOKEN_REVOKE, contractObject(c),
        `the Job template's agent container sets ${revokeEnv} to ${show(agentEnv(c, revokeEnv))}: agent "${c.agent}" is not told to revoke its Vault token (and every lease under it) when the investigation ends`,
        `set ${revokeEnv}=true (AgentJobTemplate does); credentials then end with the investigation instead of token_ttl later`);
    }
  }
}

/** Secrets-engine resources: mounts and their credential roles. */
function isEngineResource(type: string): boolean {
  return type === 'vault_mount' || /_secret_backend(_role)?$/.test(type) || /_secrets_mount$/.test(type);
}

/**
 * Engine leases follow the token: every lease TTL of a secrets engine is at
 * most the phase tokens' explicit max TTL, since a lease is a child of the
 * token that requested it and is revoked with it. Values above the deadline
 * plus the margin are `vault-ttl-too-long` findings already, and a role whose
 * explicit max is below the deadline is a `vault-token-ttl-too-short`
 * finding and not used as the reference, so each finding names one relation.
 */
export function checkLeaseTtls(ctx: VerifyContext): void {
  const deadline = deadlineOf(ctx.contracts);
  if (deadline === undefined) {
    return;
  }
  const limit = deadline + ctx.marginSeconds;
  const maxima = phaseRoles(ctx)
    .filter(r => r.attributes.token_type !== 'batch')
    .map(r => ttlSeconds(r.attributes.token_explicit_max_ttl))
    .filter((v): v is number => v !== undefined && v >= deadline && v <= limit);
  if (maxima.length === 0) {
    return;
  }
  const tokenMax = Math.min(...maxima);
  for (const r of ctx.terraform.resources.filter(x => isEngineResource(x.type))) {
    forEachScalar(r.attributes, (field, key, value) => {
      const seconds = TTL_KEY.test(key) ? ttlSeconds(value) : undefined;
      if (seconds !== undefined && seconds > tokenMax && seconds <= limit) {
        ctx.report(VerifyRule.LEASE_OUTLIVES_TOKEN, r.address,
          `${field} is ${show(value)} (${seconds}s), longer than the agent tokens' token_explicit_max_ttl of ${tokenMax}s: the lease claims a life its parent token cannot give it (Vault revokes it with the token)`,
          `set it to at most ${tokenMax}, or raise the phase roles' token_explicit_max_ttl to the deadline plus the margin (${limit})`);
      }
    });
  }
}

/**
 * Names, binding and audience: every phase has a Kubernetes auth role named
 * as in the contract, on the contract's auth mount, bound to exactly its
 * ServiceAccount and namespace, accepting exactly the Job token's audience,
 * with the phase's policy only. JWT roles of the same name (optional
 * per-investigation identity) are held to the same binding and audience.
 * A role is found by (auth mount, name), as Vault identifies it, so
 * fleets and clusters sharing a role name on their own mounts are checked
 * each against its own role (`VaultRoleIndex`).
 */
export function checkVaultRoles(ctx: VerifyContext): void {
  const tf = ctx.terraform;
  const index = VaultRoleIndex.of(ctx);
  const k8sMounts = new Set(tf.resourcesOfType('vault_auth_backend').filter(m => m.attributes.type === 'kubernetes')
    .map(m => String(tf.resolve(m.attributes.path, m.stack))));
  const jwtMounts = new Set(tf.resourcesOfType('vault_jwt_auth_backend').map(m => String(tf.resolve(m.attributes.path, m.stack))));
  const missingJwtMounts = new Set<string>();
  const contractsOf = new Map<string, LauncherContractDocument[]>();
  for (const c of ctx.contracts) {
    contractsOf.set(c.namespace, [...(contractsOf.get(c.namespace) ?? []), c]);
  }
  for (const row of verifiedPhases(ctx.contracts)) {
    const contracts = (contractsOf.get(row.agentNamespace) ?? []).filter(c => row.agents.includes(c.agent));
    const deadline = deadlineOf(contracts);
    const found = index.rolesOf(row);
    const role = found.kubernetes[0]?.resource;
    if (!role) {
      const there = [...new Set(index.all(K8S_ROLE).filter(r => r.mount === row.vaultAuthMount).map(r => r.name))];
      ctx.report(VerifyRule.VAULT_ROLE_MISSING, `${K8S_ROLE} (role_name "${row.vaultRole}")`,
        `phase "${row.name}" logs in with Vault role "${row.vaultRole}" at auth mount "${row.vaultAuthMount}" but the Terraform output has no such Kubernetes auth role there`
          + (there.length ? ` (roles found there: ${there.join(', ')})` : ''),
        'create it (AgentVaultTrust / the agent auth construct), or regenerate the contract from the same fleet');
    } else if (found.misplaced) {
      ctx.report(VerifyRule.VAULT_AUTH_MOUNT, role.address,
        `backend is ${show(found.kubernetes[0].mount)} but the contract logs in at auth mount "${row.vaultAuthMount}"`,
        `put the role on the Kubernetes auth mount "${row.vaultAuthMount}" (or regenerate the contract)`);
    } else if (!k8sMounts.has(row.vaultAuthMount)) {
      ctx.report(VerifyRule.VAULT_AUTH_MOUNT, role.address,
        `no vault_auth_backend of type "kubernetes" is mounted at "${row.vaultAuthMount}"`,
        `declare the Kubernetes auth mount at path "${row.vaultAuthMount}"`);
    }
    for (const k8s of found.kubernetes.map(r => r.resource)) {
      checkKubernetesRole(ctx, row, k8s, contracts);
      checkTokenSettings(ctx, row, k8s, deadline, contracts);
    }
    if (row.vaultJwtAuthMount !== undefined) {
      // The Job template sends agents to this mount: it and the phase's role on it must exist.
      const jwtMount = row.vaultJwtAuthMount;
      if (!jwtMounts.has(jwtMount)) {
        // Once per mount, not once per phase.
        if (!missingJwtMounts.has(jwtMount)) {
          missingJwtMounts.add(jwtMount);
          ctx.report(VerifyRule.VAULT_AUTH_MOUNT, `vault_jwt_auth_backend (path "${jwtMount}")`,
            `the contract sends agents to JWT auth mount "${jwtMount}" but no vault_jwt_auth_backend is mounted there`,
            'configure investigationIdentity on the Vault side, or remove vault.investigationIdentityMountPath from the fleet');
        }
      } else if (!found.jwtOnMount) {
        ctx.report(VerifyRule.VAULT_ROLE_MISSING, `${JWT_ROLE} (role_name "${row.vaultRole}")`,
          `phase "${row.name}" logs in with role "${row.vaultRole}" on JWT mount "${jwtMount}" but that mount has no such role`,
          'create it (AgentVaultAuth with investigationIdentity), or regenerate the contract from the same fleet');
      }
    }
    for (const jwt of found.jwt.map(r => r.resource)) {
      const sub = `system:serviceaccount:${row.agentNamespace}:${row.serviceAccount}`;
      if (jwt.attributes.bound_claims?.sub !== sub) {
        ctx.report(VerifyRule.SA_VAULT_BINDING, jwt.address, `bound_claims.sub is ${show(jwt.attributes.bound_claims?.sub)} but phase "${row.name}" tokens have sub "${sub}"`,
          `set bound_claims: { sub: "${sub}" }`);
      }
      const bound = list(jwt.attributes.bound_audiences);
      for (const c of contracts) {
        const audiences = tokenAudiences(c);
        if (audiences.length > 0 && !audiences.some(x => bound.includes(x))) {
          ctx.report(VerifyRule.TOKEN_AUDIENCE, jwt.address, `bound_audiences is ${show(jwt.attributes.bound_audiences)} but agent "${c.agent}"'s Job token is issued for ${show(audiences)}`,
            'bind exactly the projected token\'s audience');
        }
      }
      checkTokenSettings(ctx, row, jwt, deadline, contracts);
    }
  }
}

/** A phase's Kubernetes auth role: bound to exactly its ServiceAccount and namespace, accepting exactly the Job token's audience. */
function checkKubernetesRole(ctx: VerifyContext, row: VerifiedPhase, role: TerraformResource, contracts: LauncherContractDocument[]): void {
  const a = role.attributes;
  const names = list(a.bound_service_account_names);
  const namespaces = list(a.bound_service_account_namespaces);
  if (!(names.length === 1 && names[0] === row.serviceAccount)) {
    ctx.report(VerifyRule.SA_VAULT_BINDING, role.address,
      `bound_service_account_names is ${show(a.bound_service_account_names)} but phase "${row.name}" runs as exactly ["${row.serviceAccount}"]`,
      `set bound_service_account_names: ["${row.serviceAccount}"]`);
  }
  if (!(namespaces.length === 1 && namespaces[0] === row.agentNamespace)) {
    ctx.report(VerifyRule.SA_VAULT_BINDING, role.address,
      `bound_service_account_namespaces is ${show(a.bound_service_account_namespaces)} but the agents run in exactly ["${row.agentNamespace}"]`,
      `set bound_service_account_namespaces: ["${row.agentNamespace}"]`);
  }
  for (const c of contracts) {
    const audiences = tokenAudiences(c);
    if (audiences.length === 0) {
      ctx.report(VerifyRule.TOKEN_AUDIENCE, contractObject(c),
        'the Job template has no projected serviceAccountToken with an audience, so the agent cannot log in to Vault with an audience-bound token',
        `add a projected serviceAccountToken with audience ${show(a.audience ?? TrustNames.VAULT_AUDIENCE)}`);
    } else if (typeof a.audience !== 'string' || a.audience === '') {
      ctx.report(VerifyRule.TOKEN_AUDIENCE, role.address,
        `audience is ${show(a.audience)}: the role accepts tokens minted for any audience, including Kubernetes API tokens (agent "${c.agent}"'s Vault token is issued for ${show(audiences)})`,
        `set audience to the projected token's audience ${show(audiences[0])}`);
    } else if (!audiences.includes(a.audience)) {
      ctx.report(VerifyRule.TOKEN_AUDIENCE, role.address,
        `audience is ${show(a.audience)} but agent "${c.agent}"'s Job tokens are issued for ${show(audiences)}`,
        `make the role's audience and the projected token's audience the same value (default ${show(TrustNames.VAULT_AUDIENCE)})`);
    }
  }
}

/** Every literal TTL in the Terraform output is at most the Job deadline plus the margin; periodic tokens are refused. */
export function checkTtls(ctx: VerifyContext): void {
  const deadline = deadlineOf(ctx.contracts);
  if (deadline === undefined) {
    return;
  }
  const limit = deadline + ctx.marginSeconds;
  for (const r of ctx.terraform.resources) {
    forEachScalar(r.attributes, (field, key, value) => {
      if (key === 'token_period') {
        const period = ttlSeconds(value);
        if (period !== undefined && period > 0) {
          ctx.report(VerifyRule.TTL_TOO_LONG, r.address, `${field} is ${show(value)}: periodic tokens renew forever, past any Job deadline`,
            'remove token_period and bound the token with token_ttl and token_explicit_max_ttl');
        }
        return;
      }
      if (!TTL_KEY.test(key)) {
        return;
      }
      const seconds = ttlSeconds(value);
      if (seconds === undefined) {
        return;
      }
      if (seconds > limit || (seconds === 0 && key.includes('max'))) {
        ctx.report(VerifyRule.TTL_TOO_LONG, r.address,
          `${field} is ${show(value)}${seconds === 0 ? ' (0 means the system maximum, 768h by default)' : ` (${seconds}s)`}, longer than the Job deadline ${deadline}s + margin ${ctx.marginSeconds}s = ${limit}s: credentials would outlive the investigation`,
          `set it to at most ${limit} (the deadline plus the margin)`);
      }
    });
  }
}

interface ParsedPolicy {
  readonly resource: TerraformResource;
  readonly name: string;
  /** path → capabilities */
  readonly paths: Map<string, string[]>;
}

function parsePolicy(text: unknown): Map<string, string[]> | undefined {
  if (typeof text !== 'string') {
    return undefined;
  }
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const blocks = Array.isArray(doc?.path) ? doc.path : [doc?.path];
  if (!doc || typeof doc !== 'object' || blocks.some((b: any) => !b || typeof b !== 'object')) {
    return undefined;
  }
  const out = new Map<string, string[]>();
  for (const block of blocks) {
    for (const [p, rule] of Object.entries<any>(block)) {
      const caps = Array.isArray(rule?.capabilities) ? rule.capabilities.map(String) : [];
      out.set(p, [...new Set([...(out.get(p) ?? []), ...caps])]);
    }
  }
  return out;
}

/** Secret-engine mount paths in the output (where a trailing credential glob is allowed). */
function engineMounts(tf: TerraformOutput): string[] {
  return tf.resources.filter(r => r.type === 'vault_mount' || /_secret_backend$|_secrets_mount$/.test(r.type))
    .map(r => tf.resolve(r.attributes.path, r.stack)).filter((p): p is string => typeof p === 'string' && p.length > 0)
    .map(p => InputRules.trimSlashes(p));
}

/**
 * Vault policies: readable JSON; nothing under sys/, identity/, auth/
 * beyond the token self paths; globs only as a trailing `*` right below
 * `<engine mount>/<segment>/`; no sudo or root; phase policies exist, grant
 * only what the contract lists and grow with the ladder.
 */
export function checkPolicies(ctx: VerifyContext): void {
  const tf = ctx.terraform;
  const mounts = engineMounts(tf);
  const parsed: ParsedPolicy[] = [];
  const flagged = new Set<string>();
  for (const r of tf.resourcesOfType('vault_policy')) {
    const name = String(tf.resolve(r.attributes.name, r.stack));
    const paths = parsePolicy(tf.resolve(r.attributes.policy, r.stack));
    if (!paths) {
      ctx.report(VerifyRule.VAULT_POLICY_UNVERIFIABLE, r.address,
        `policy of "${name}" is not a JSON policy document ({"path": {…}}), so its paths cannot be verified`,
        'write the policy as JSON (Vault accepts JSON policies; TrustPhasePolicy emits JSON)');
      continue;
    }
    parsed.push({ resource: r, name, paths });
    for (const [p, caps] of paths) {
      const key = `${r.address}|${p}`;
      // The launcher's revocation policy may revoke tokens by accessor, and nothing more.
      const launcherPath = LauncherRevocationPolicy.isWithin(name, { [p]: caps });
      if (VaultPathRules.isSystemPath(p) && !launcherPath) {
        flagged.add(key);
        ctx.report(VerifyRule.VAULT_POLICY_SYSTEM, r.address, `policy "${name}" grants ${show(caps)} on "${p}", under Vault's own configuration or identities`,
          'remove the path: agent policies grant only credential paths and the token self paths');
      }
      if (VaultPathRules.isGlob(p)) {
        if (!VaultPathRules.isAllowedGlob(p, mounts.map(mount => ({ mount })))) {
          flagged.add(key);
          ctx.report(VerifyRule.VAULT_POLICY_GLOB, r.address, `policy "${name}" grants ${show(caps)} on "${p}", a glob beyond one engine's credential path`,
            `name the credential paths explicitly, or end the path in "*" right below "<mount>/<segment>/" of one engine (mounts: ${mounts.join(', ') || 'none'})`);
        }
      }
      const bad = caps.filter(c => VaultPathRules.FORBIDDEN_CAPABILITIES.includes(c));
      if (bad.length > 0) {
        flagged.add(key);
        ctx.report(VerifyRule.VAULT_POLICY_SUDO, r.address, `policy "${name}" grants ${show(bad)} on "${p}"`,
          'remove sudo/root: agents never need root-protected endpoints');
      }
    }
  }
  // Vault keeps one policy per name: rows of several fleets naming one policy (vault-name-shared) are checked against what any of them declares.
  const rowsOf = new Map<string, VerifiedPhase[]>();
  for (const row of verifiedPhases(ctx.contracts)) {
    rowsOf.set(row.vaultPolicy, [...(rowsOf.get(row.vaultPolicy) ?? []), row]);
  }
  const byName = new Map<string, ParsedPolicy[]>();
  for (const p of parsed) {
    byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  }
  const named = new Set(tf.resourcesOfType('vault_policy').map(r => String(tf.resolve(r.attributes.name, r.stack))));
  for (const [name, rows] of rowsOf) {
    const phases = [...new Set(rows.map(r => `"${r.name}"`))].join(', ');
    const policies = byName.get(name) ?? [];
    if (!named.has(name)) {
      ctx.report(VerifyRule.VAULT_POLICY_MISSING, `vault_policy (name "${name}")`, `phase ${phases} has no Vault policy "${name}", so its tokens grant nothing it is meant to`,
        'create it (TrustPhasePolicy creates one per phase)');
    }
    const declared = new Set(rows.flatMap(r => r.vaultPaths));
    for (const policy of policies) {
      for (const [self, rule, what] of [[RENEW_SELF, VerifyRule.TOKEN_RENEWAL, 'renew'], [REVOKE_SELF, VerifyRule.TOKEN_REVOKE, 'revoke']] as const) {
        if (!(policy.paths.get(self) ?? []).includes('update')) {
          ctx.report(rule, policy.resource.address,
            `policy "${name}" grants ${show(policy.paths.get(self) ?? [])} on "${self}": phase ${phases} agents cannot ${what} their own token`,
            `grant ["update"] on "${self}" (VaultPolicyDocument.TOKEN_SELF_RULES)`);
        }
      }
      for (const [p, caps] of policy.paths) {
        if (!declared.has(p) && !VaultPathRules.isTokenSelfPath(p) && !flagged.has(`${policy.resource.address}|${p}`)) {
          ctx.report(VerifyRule.VAULT_POLICY_UNDECLARED, policy.resource.address,
            `policy "${name}" grants ${show(caps)} on "${p}", which phase ${phases}'s contract does not list (the promotion report a reviewer signs never shows it)`,
            'remove the path, or declare it in the fleet so the contract and report list it');
        }
      }
    }
  }
  for (const step of ladderSteps(ctx.contracts)) {
    const lower = byName.get(step.lowerPolicy)?.[0];
    const higher = byName.get(step.higherPolicy)?.[0];
    if (!lower || !higher) {
      continue;
    }
    const missing: string[] = [];
    for (const [p, caps] of lower.paths) {
      const mine = higher.paths.get(p) ?? [];
      missing.push(...caps.filter(c => c !== 'deny' && !mine.includes(c)).map(c => `${p} ${c}`));
    }
    if (missing.length > 0) {
      ctx.report(VerifyRule.MONOTONIC_VAULT, higher.resource.address,
        `policy "${higher.name}" lacks ${missing.length} grant(s) of the phase below ("${step.lower}"): ${missing.join('; ')}`,
        `grant them to "${step.higher}" too (each phase holds everything the phase below holds)`);
    }
  }
}
