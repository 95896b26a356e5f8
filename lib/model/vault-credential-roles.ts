import { AccessLevel } from './access-level';
import { AgentFleet } from './agent-fleet';
import { Domain } from './domain';
import { TrustDuration } from './trust-duration';
import { KubernetesRule } from './kubernetes-rule';
import { RbacDenylist } from './rbac-denylist';
import { ProblemCollector } from './private/problem-collector';

/** SQL run by the database secrets engine for one credential level. */
export interface DatabaseLevelStatements {
  /** The level (also the role name). */
  readonly level: AccessLevel;
  /** Statements creating the user; use `{{name}}`, `{{password}}` and `{{expiration}}`, never a literal password. */
  readonly creation: string[];
  /** Statements removing the user when the lease ends. */
  readonly revocation: string[];
}

/** The accounts an SSH certificate of one level may log in as. */
export interface SshLevelUsers {
  /** The level (also the role name). */
  readonly level: AccessLevel;
  /** Login names (certificate principals); the first is the default. */
  readonly users: string[];
}

/** The IAM role an AWS STS credential of one level assumes. */
export interface AwsLevelRole {
  /** The level (also the Vault role name). */
  readonly level: AccessLevel;
  /** ARN of the IAM role, e.g. `arn:aws:iam::123456789012:role/agent-read-only`. */
  readonly roleArn: string;
}

/**
 * What a dynamic Kubernetes token of one level may do in the target
 * namespaces: the Role its pre-created ServiceAccount is bound to there
 * (`VaultKubernetesEngineAccess` renders both; Vault only requests tokens).
 */
export interface KubernetesLevelRole {
  /** The level (also the Vault role name). */
  readonly level: AccessLevel;
  /**
   * Rules of the level's Role in each target namespace (checked against the RBAC denylist).
   * @default - none: `kubernetesRoleName` must be set
   */
  readonly rules?: KubernetesRule[];
  /**
   * An existing Role (or ClusterRole, see `clusterRole`) the level's ServiceAccount is bound to instead of generated rules.
   * @default - none: `rules` must be set
   */
  readonly kubernetesRoleName?: string;
  /**
   * Whether `kubernetesRoleName` names a ClusterRole (still bound only in the target namespaces).
   * @default false
   */
  readonly clusterRole?: boolean;
}

/** Lease TTLs of a credential role, in seconds. */
export interface CredentialTtls {
  /** Default TTL: at most the Job deadline. */
  readonly defaultTtlSeconds: number;
  /** Maximum TTL: at most the agent token's explicit max TTL (Job deadline + margin). */
  readonly maxTtlSeconds: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const SSH_USER = /^[a-z_][a-z0-9_.-]{0,31}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_\/-]{1,512}$/;

/** Statements agents must never get: superuser attributes, grant options, DDL. */
const FORBIDDEN_SQL: Array<[RegExp, string]> = [
  [/\bSUPERUSER\b/i, 'SUPERUSER'],
  [/\bCREATEROLE\b/i, 'CREATEROLE'],
  [/\bCREATEDB\b/i, 'CREATEDB'],
  [/\bREPLICATION\b/i, 'REPLICATION'],
  [/\bBYPASSRLS\b/i, 'BYPASSRLS'],
  [/\bALL\s+PRIVILEGES\b/i, 'ALL PRIVILEGES'],
  [/\bGRANT\s+ALL\b/i, 'GRANT ALL'],
  [/\bWITH\s+(GRANT|ADMIN)\s+OPTION\b/i, 'WITH GRANT/ADMIN OPTION'],
  [/\bGRANT\b[^;]*\b(SUPER|FILE|PROCESS|SHUTDOWN|CREATE\s+USER|RELOAD)\b/i, 'a server-level MySQL privilege'],
  [/\bON\s+\*\.\*/i, 'ON *.* (every database)'],
  [/\b(CREATE|ALTER|DROP)\s+(TABLE|SCHEMA|DATABASE|INDEX|VIEW|FUNCTION|PROCEDURE|TRIGGER|EXTENSION|TYPE)\b/i, 'DDL'],
  [/\bTRUNCATE\b/i, 'TRUNCATE'],
];

/** The privileges each level adds, cumulative: read-only reads; limited-write adds INSERT/UPDATE; autonomous adds DELETE. */
function tablePrivileges(level: AccessLevel): string[] {
  const privileges = ['SELECT'];
  if (level.includes(AccessLevel.LIMITED_WRITE)) {
    privileges.push('INSERT', 'UPDATE');
  }
  if (level.includes(AccessLevel.AUTONOMOUS)) {
    privileges.push('DELETE');
  }
  return privileges;
}

/** Schemas the default PostgreSQL statements grant on when none are named. */
const DEFAULT_POSTGRESQL_SCHEMAS: string[] = ['public'];

/**
 * The content of the per-level credential roles of each engine kind, as
 * data: database statements, SSH principals, AWS role ARNs, Kubernetes
 * rules and lease TTLs, plus the checks that keep them inside the Job
 * deadline and the trust ladder. Role names are the access level names
 * (`read-only`, `limited-write`, `autonomous`), so a policy path
 * `<mount>/creds/<level>` always names a role that exists.
 */
export class CredentialRoles {

  /**
   * Default PostgreSQL statements per level on `schemas`: a LOGIN role that
   * expires with the lease, no superuser, no role or database creation;
   * read-only gets SELECT, limited-write adds INSERT/UPDATE (and sequence
   * usage for inserts), autonomous adds DELETE. No DDL at any level.
   * @param schemas schema names (identifiers) @default ["public"]
   */
  public static postgresqlStatements(schemas?: string[]): DatabaseLevelStatements[] {
    const list = schemas ?? DEFAULT_POSTGRESQL_SCHEMAS;
    return AccessLevel.credentialLevels().map(level => {
      const creation = [
        'CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\' VALID UNTIL \'{{expiration}}\' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;',
      ];
      const revocation: string[] = [];
      for (const schema of list) {
        const s = `"${schema}"`;
        creation.push(`GRANT USAGE ON SCHEMA ${s} TO "{{name}}";`);
        creation.push(`GRANT ${tablePrivileges(level).join(', ')} ON ALL TABLES IN SCHEMA ${s} TO "{{name}}";`);
        if (level.includes(AccessLevel.LIMITED_WRITE)) {
          creation.push(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${s} TO "{{name}}";`);
        }
        revocation.push(`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM "{{name}}";`);
        revocation.push(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM "{{name}}";`);
        revocation.push(`REVOKE USAGE ON SCHEMA ${s} FROM "{{name}}";`);
      }
      revocation.push('DROP ROLE IF EXISTS "{{name}}";');
      return { level, creation, revocation };
    });
  }

  /** Default `MAX_USER_CONNECTIONS` of a dynamic MySQL user: the revocation kills this many sessions. */
  public static readonly DEFAULT_MYSQL_MAX_CONNECTIONS = 5;
  /** Largest `maxConnectionsPerUser` accepted (each session costs five revocation statements). */
  public static readonly MAX_MYSQL_MAX_CONNECTIONS = 20;

  /**
   * Default MySQL statements per level on `databases` (MySQL has no safe
   * default database, so they must be named): read-only gets SELECT,
   * limited-write adds INSERT/UPDATE, autonomous adds DELETE; no server
   * privileges, no grant option, no DDL. Each user may hold at most
   * `maxConnections` sessions (`WITH MAX_USER_CONNECTIONS`), so the
   * revocation can end every one of them (`mysqlRevocation`).
   * @param databases database names (identifiers)
   * @param maxConnections sessions per user @default CredentialRoles.DEFAULT_MYSQL_MAX_CONNECTIONS
   */
  public static mysqlStatements(databases: string[], maxConnections?: number): DatabaseLevelStatements[] {
    const n = maxConnections ?? CredentialRoles.DEFAULT_MYSQL_MAX_CONNECTIONS;
    return AccessLevel.credentialLevels().map(level => ({
      level,
      creation: [
        `CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}' WITH MAX_USER_CONNECTIONS ${n};`,
        ...databases.map(db => `GRANT ${tablePrivileges(level).join(', ')} ON \`${db}\`.* TO '{{name}}'@'%';`),
      ],
      revocation: CredentialRoles.mysqlRevocation(n),
    }));
  }

  /**
   * MySQL revocation that ends the user's open sessions (issue #17):
   * `DROP USER` leaves them open — they keep their table privileges, and
   * their database-level ones until their next `USE` — and MySQL has no
   * statement that kills every session of a user. So, in order: lock the
   * account (no new session can start), revoke every privilege, then kill
   * the user's sessions one by one — `maxConnections` rounds of "the
   * user's next session id above the last one" from
   * `information_schema.PROCESSLIST`, killed through a prepared `KILL
   * CONNECTION` (`DO 0` once none is left) — and finally drop the user. The
   * creation statements cap the user at `maxConnections` sessions, so that
   * many rounds end them all. Plain SQL without a helper procedure, because
   * Vault's MySQL plugin runs each `;`-separated statement as sent (in one
   * transaction, `{{name}}` substituted). Vault's MySQL account needs
   * `PROCESS` (to see other users' sessions: without it the rounds silently
   * find none) and `CONNECTION_ADMIN` (or `SUPER`) to kill them; `IF
   * EXISTS … IGNORE UNKNOWN USER` needs MySQL ≥ 8.0.30 and keeps a repeated
   * revocation from failing.
   * @param maxConnections sessions to kill (the user's `MAX_USER_CONNECTIONS`)
   */
  public static mysqlRevocation(maxConnections: number): string[] {
    if (!CredentialRoles.isMysqlMaxConnections(maxConnections)) {
      throw new RangeError(`maxConnections = ${maxConnections}: must be a whole number from 1 to ${CredentialRoles.MAX_MYSQL_MAX_CONNECTIONS}`);
    }
    const rounds: string[] = [];
    for (let i = 0; i < maxConnections; i++) {
      rounds.push(
        // NULL once no session is left, and NULL stays NULL (ID > NULL matches nothing).
        'SET @agent_trust_session = (SELECT MIN(ID) FROM information_schema.PROCESSLIST WHERE USER = \'{{name}}\' AND ID > @agent_trust_session);',
        'SET @agent_trust_kill = IF(@agent_trust_session IS NULL, \'DO 0\', CONCAT(\'KILL CONNECTION \', @agent_trust_session));',
        'PREPARE agent_trust_kill FROM @agent_trust_kill;',
        'EXECUTE agent_trust_kill;',
        'DEALLOCATE PREPARE agent_trust_kill;',
      );
    }
    return [
      'ALTER USER IF EXISTS \'{{name}}\'@\'%\' ACCOUNT LOCK;',
      'REVOKE IF EXISTS ALL PRIVILEGES, GRANT OPTION FROM \'{{name}}\'@\'%\' IGNORE UNKNOWN USER;',
      'SET @agent_trust_session = 0;',
      ...rounds,
      'DROP USER IF EXISTS \'{{name}}\'@\'%\';',
    ];
  }

  /** Whether `maxConnections` is a whole number from 1 to `MAX_MYSQL_MAX_CONNECTIONS`. */
  public static isMysqlMaxConnections(maxConnections: number): boolean {
    return Number.isInteger(maxConnections) && maxConnections >= 1 && maxConnections <= CredentialRoles.MAX_MYSQL_MAX_CONNECTIONS;
  }

  /** Record a problem unless `maxConnections` is a whole number from 1 to `MAX_MYSQL_MAX_CONNECTIONS`.
   * @internal
   */
  public static _checkMysqlMaxConnections(problems: ProblemCollector, path: string, field: string, maxConnections: number | undefined): void {
    if (maxConnections !== undefined && !CredentialRoles.isMysqlMaxConnections(maxConnections)) {
      problems.add(path, field, maxConnections, `must be a whole number from 1 to ${CredentialRoles.MAX_MYSQL_MAX_CONNECTIONS}`,
        `e.g. ${CredentialRoles.DEFAULT_MYSQL_MAX_CONNECTIONS}: each session the user may open is one the revocation must kill`);
    }
  }

  /**
   * Record a problem for every MySQL statement list whose revocation cannot
   * end the user's sessions: creation without `MAX_USER_CONNECTIONS <n>`
   * (unbounded sessions cannot all be killed by a fixed list), or a
   * revocation with fewer than n `KILL CONNECTION` rounds or without
   * `ACCOUNT LOCK` before them.
   * @internal
   */
  public static _checkMysqlSessionKill(problems: ProblemCollector, path: string, field: string, statements: DatabaseLevelStatements[]): void {
    statements.forEach((s, i) => {
      const f = `${field}[${i}]`;
      const cap = /\bMAX_USER_CONNECTIONS\s+(\d+)/i.exec((s.creation ?? []).join('\n'));
      const revocation = (s.revocation ?? []).join('\n');
      const kills = (revocation.match(/\bKILL\s+CONNECTION\b/gi) ?? []).length;
      const fix = `use CredentialRoles.mysqlRevocation(n) as the revocation and WITH MAX_USER_CONNECTIONS n in CREATE USER (CredentialRoles.mysqlStatements does both)`;
      if (!cap || Number(cap[1]) < 1) {
        problems.add(path, `${f}.creation`, s.creation ?? [],
          'does not cap the user\'s sessions (WITH MAX_USER_CONNECTIONS n), so the revocation cannot kill all of them: a dropped MySQL user keeps its open sessions', fix);
      } else if (kills < Number(cap[1])) {
        problems.add(path, `${f}.revocation`, s.revocation ?? [],
          `kills ${kills} session(s) but the user may hold ${cap[1]}: a dropped MySQL user keeps its open sessions`, fix);
      }
      const lock = revocation.search(/\bACCOUNT\s+LOCK\b/i);
      if (cap && kills >= Number(cap[1]) && (lock < 0 || lock > revocation.search(/\bKILL\s+CONNECTION\b/i))) {
        problems.add(path, `${f}.revocation`, s.revocation ?? [],
          'kills sessions without locking the account first, so the user can open a new session while they are killed', fix);
      }
    });
  }

  /** Default SSH principals: one account per level, `agent-<level>`, to be created on the devices with matching rights. */
  public static sshUsers(): SshLevelUsers[] {
    return AccessLevel.credentialLevels().map(level => ({ level, users: [`agent-${level.name}`] }));
  }

  /**
   * Default Kubernetes-engine roles of a domain, derived from the ladder so
   * no rule is written twice: the token of level L gets the namespaced rules
   * of the lowest phase that holds L in this domain (cluster-scoped rules
   * are left out: the level's Role is per target namespace). Levels no
   * phase can request get no role.
   */
  public static kubernetesRoles(fleet: AgentFleet, domain: Domain): KubernetesLevelRole[] {
    return CredentialRoles.requiredLevels(fleet, domain).map(level => {
      const phase = fleet.ladder.phases.find(p => fleet.ladder.accessFor(p, domain).includes(level))!;
      const rules = fleet.ladder.definition(phase).kubernetesRules
        .filter(r => !r.clusterScoped)
        .map(r => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs],
          ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}) }));
      return { level, rules };
    });
  }

  /**
   * The credential levels some rendered phase (`fleet.renderedPhases`) may
   * request in a domain, lowest first: a level only phases above every
   * agent's ceiling use gets no engine role, so no dormant credential exists.
   */
  public static requiredLevels(fleet: AgentFleet, domain: Domain): AccessLevel[] {
    const used = new Set<string>();
    for (const phase of fleet.renderedPhases) {
      fleet.ladder.accessFor(phase, domain).grantedLevels().forEach(l => used.add(l.name));
    }
    return AccessLevel.credentialLevels().filter(l => used.has(l.name));
  }

  /**
   * Lease TTLs for a credential role of the fleet: the default TTL is the
   * Job deadline and the maximum is the agent token's explicit max TTL
   * (deadline + margin), unless shorter ones are given (check them with
   * `checkTtls`). A lease is a child of the token that requested it and is
   * revoked with it, so capping the lease at the token's explicit max means
   * no lease even claims to outlive its token; in practice a lease ends when
   * the agent revokes its token on exit, or when the token's short TTL runs
   * out after the agent stopped renewing it.
   */
  public static ttls(fleet: AgentFleet, defaultTtl?: TrustDuration, maxTtl?: TrustDuration): CredentialTtls {
    return {
      defaultTtlSeconds: defaultTtl ? defaultTtl.toSeconds() : fleet.jobDeadline.toSeconds(),
      maxTtlSeconds: maxTtl ? maxTtl.toSeconds() : fleet.tokenMaxTtlSeconds,
    };
  }

  /**
   * Record a problem for TTLs that are not whole seconds ≥ 1, a default
   * longer than the deadline, a maximum longer than the agent token's
   * explicit max TTL (deadline + margin), or a default above the maximum.
   * @internal
   */
  public static _checkTtls(problems: ProblemCollector, path: string, fleet: AgentFleet, defaultTtl?: TrustDuration, maxTtl?: TrustDuration): void {
    const t = CredentialRoles.ttls(fleet, defaultTtl, maxTtl);
    const deadline = fleet.jobDeadline.toSeconds();
    const tokenMax = fleet.tokenMaxTtlSeconds;
    if (defaultTtl && (!defaultTtl.isWholeSeconds() || t.defaultTtlSeconds < 1)) {
      problems.add(path, 'defaultTtl', defaultTtl, 'must be at least one whole second', 'use e.g. TrustDuration.minutes(10)');
    } else if (t.defaultTtlSeconds > deadline) {
      problems.add(path, 'defaultTtl', defaultTtl ?? `${t.defaultTtlSeconds}s`,
        `is longer than the Job deadline (${deadline}s): credentials would outlive the investigation`,
        `use at most ${deadline}s, or leave it unset to use the deadline`);
    }
    if (maxTtl && (!maxTtl.isWholeSeconds() || t.maxTtlSeconds < 1)) {
      problems.add(path, 'maxTtl', maxTtl, 'must be at least one whole second', 'use e.g. TrustDuration.minutes(16)');
    } else if (t.maxTtlSeconds > tokenMax) {
      problems.add(path, 'maxTtl', maxTtl ?? `${t.maxTtlSeconds}s`,
        `is longer than the agent token's explicit max TTL (Job deadline + margin = ${tokenMax}s): a lease must not outlive the token it is revoked with`,
        `use at most ${tokenMax}s, or leave it unset`);
    }
    if (t.defaultTtlSeconds > t.maxTtlSeconds) {
      problems.add(path, 'defaultTtl', defaultTtl ?? `${t.defaultTtlSeconds}s`,
        `is longer than maxTtl (${t.maxTtlSeconds}s)`, 'make the default at most the maximum');
    }
  }

  /**
   * Record a problem for every level some phase may request in `domain` that
   * has no role in `provided` (and for levels provided twice).
   * @internal
   */
  public static _checkCoverage(problems: ProblemCollector, path: string, field: string, fleet: AgentFleet, domain: Domain,
    provided: AccessLevel[]): void {
    const names = provided.map(l => l?.name);
    for (const level of CredentialRoles.requiredLevels(fleet, domain)) {
      if (!names.includes(level.name)) {
        const users = fleet.ladder.phases.filter(p => fleet.ladder.accessFor(p, domain).includes(level)).map(p => p.name);
        problems.add(path, field, names,
          `has no credential role for level "${level.name}", which phase(s) ${users.join(', ')} may request in domain "${domain.name}"`,
          `add an entry with level AccessLevel.${level.name.toUpperCase().replace(/-/g, '_')}`);
      }
    }
    names.forEach((n, i) => {
      if (n === AccessLevel.NONE.name || n === undefined) {
        problems.add(path, `${field}[${i}].level`, n, 'is not a credential level', 'use read-only, limited-write or autonomous');
      } else if (names.indexOf(n) !== i) {
        problems.add(path, `${field}[${i}].level`, n, 'is listed twice', 'give each level one entry');
      }
    });
  }

  /**
   * Record a problem for every unsafe or malformed database statement list.
   * @internal
   */
  public static _checkDatabaseStatements(problems: ProblemCollector, path: string, field: string, statements: DatabaseLevelStatements[]): void {
    statements.forEach((s, i) => {
      const f = `${field}[${i}]`;
      if (!s.creation || s.creation.length === 0) {
        problems.add(path, `${f}.creation`, s.creation ?? [], 'lists no statement', 'create the user with {{name}} and {{password}}');
      } else if (!s.creation.some(c => c.includes('{{name}}'))) {
        problems.add(path, `${f}.creation`, s.creation, 'never uses {{name}}, so every lease would share one user',
          'create the user named "{{name}}"');
      }
      if (!s.revocation || s.revocation.length === 0) {
        problems.add(path, `${f}.revocation`, s.revocation ?? [], 'lists no statement: users would outlive their lease',
          'drop the user, e.g. DROP ROLE IF EXISTS "{{name}}";');
      }
      (s.creation ?? []).forEach((stmt, j) => {
        for (const [re, what] of FORBIDDEN_SQL) {
          if (re.test(stmt)) {
            problems.add(path, `${f}.creation[${j}]`, stmt, `grants ${what}; agent database users never get superuser rights, grant options or DDL`,
              'grant only SELECT/INSERT/UPDATE/DELETE on named schemas or databases');
            break;
          }
        }
        const pw = /(PASSWORD|IDENTIFIED\s+BY)\s+'([^']*)'/i.exec(stmt);
        if (pw && pw[2] !== '{{password}}') {
          problems.add(path, `${f}.creation[${j}]`, stmt.replace(pw[2], '***'), 'sets a literal password',
            'use \'{{password}}\' so Vault generates one per lease');
        }
      });
    });
  }

  /**
   * Record a problem for every schema or database name that is not a plain SQL identifier.
   * @internal
   */
  public static _checkIdentifiers(problems: ProblemCollector, path: string, field: string, names: string[]): void {
    if (names.length === 0) {
      problems.add(path, field, names, 'lists none', 'name at least one schema or database the agents may use');
    }
    names.forEach((n, i) => {
      if (typeof n !== 'string' || !IDENTIFIER.test(n)) {
        problems.add(path, `${field}[${i}]`, n, 'is not a plain SQL identifier (it is inserted into statements)',
          'use letters, digits and "_", starting with a letter or "_", at most 63 characters');
      }
    });
  }

  /**
   * Record a problem for every SSH principal that is empty, malformed, `root` or a wildcard.
   * @internal
   */
  public static _checkSshUsers(problems: ProblemCollector, path: string, field: string, entries: SshLevelUsers[]): void {
    entries.forEach((e, i) => {
      if (!e.users || e.users.length === 0) {
        problems.add(path, `${field}[${i}].users`, e.users ?? [], 'lists no user', 'name the device account, e.g. "agent-read-only"');
      }
      (e.users ?? []).forEach((u, j) => {
        if (u === 'root' || u === 'admin') {
          problems.add(path, `${field}[${i}].users[${j}]`, u, 'is an administrator account', 'create a dedicated account per level on the devices');
        } else if (typeof u !== 'string' || !SSH_USER.test(u)) {
          problems.add(path, `${field}[${i}].users[${j}]`, u, 'is not a plain login name (no wildcards, commas or templates)',
            'use lowercase letters, digits, "_", "-", "." (at most 32 characters)');
        }
      });
    });
  }

  /**
   * Record a problem for every AWS role entry whose ARN is not an IAM role ARN.
   * @internal
   */
  public static _checkAwsRoles(problems: ProblemCollector, path: string, field: string, entries: AwsLevelRole[]): void {
    entries.forEach((e, i) => {
      if (typeof e.roleArn !== 'string' || !ROLE_ARN.test(e.roleArn)) {
        problems.add(path, `${field}[${i}].roleArn`, e.roleArn, 'is not an IAM role ARN',
          'use "arn:aws:iam::<12-digit account>:role/<name>" (no wildcards)');
      }
    });
  }

  /**
   * Record a problem for every Kubernetes-engine role without exactly one of rules / role name, or with denied rules.
   * @internal
   */
  public static _checkKubernetesRoles(problems: ProblemCollector, path: string, field: string, entries: KubernetesLevelRole[]): void {
    entries.forEach((e, i) => {
      const f = `${field}[${i}]`;
      const hasRules = (e.rules ?? []).length > 0;
      const hasName = typeof e.kubernetesRoleName === 'string' && e.kubernetesRoleName.length > 0;
      if (hasRules === hasName) {
        problems.add(path, f, hasRules ? 'rules and kubernetesRoleName' : 'neither', 'needs exactly one of rules or kubernetesRoleName',
          'give the rules Vault should create, or the name of an existing Role/ClusterRole');
      }
      if (hasRules) {
        (e.rules ?? []).forEach((r, j) => {
          if (r.clusterScoped) {
            problems.add(path, `${f}.rules[${j}].clusterScoped`, true, 'the level Roles are namespaced Roles',
              'drop the cluster-scoped rule (the phase ServiceAccount already holds cluster reads)');
          }
        });
        RbacDenylist._check(problems, path, `${f}.rules`, e.rules ?? []);
      }
    });
  }
}
