import {
  AccessLevel, AgentFleet, AgentFleetProps, CredentialRoles, Domain, TrustDuration, TrustLadder, TrustPhase,
} from '../../lib/model';
import { ProblemCollector } from '../../lib/model/private/problem-collector';
import { baseFleet } from '../helpers/fleets';

function fleet(extra: Partial<AgentFleetProps> = {}): AgentFleet {
  return baseFleet({ targetNamespaces: ['payments'], ...extra });
}

function collect(fn: (p: ProblemCollector) => void): string[] {
  const p = new ProblemCollector();
  fn(p);
  return p.toMessages();
}

describe('CredentialRoles', () => {
  test('PostgreSQL statements: cumulative privileges, no superuser, no DDL, templated password', () => {
    const byLevel = CredentialRoles.postgresqlStatements();
    expect(byLevel.map(s => s.level.name)).toEqual(['read-only', 'limited-write', 'autonomous']);
    expect(byLevel[0].creation).toEqual([
      'CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\' VALID UNTIL \'{{expiration}}\' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;',
      'GRANT USAGE ON SCHEMA "public" TO "{{name}}";',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "{{name}}";',
    ]);
    expect(byLevel[1].creation[2]).toBe('GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "public" TO "{{name}}";');
    expect(byLevel[2].creation[2]).toBe('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "{{name}}";');
    expect(byLevel[0].revocation[byLevel[0].revocation.length - 1]).toBe('DROP ROLE IF EXISTS "{{name}}";');
    // The defaults pass their own checks.
    expect(collect(p => CredentialRoles._checkDatabaseStatements(p, 'X', 's', byLevel))).toEqual([]);
    expect(collect(p => CredentialRoles._checkDatabaseStatements(p, 'X', 's', CredentialRoles.mysqlStatements(['orders'])))).toEqual([]);
  });

  test('MySQL statements grant on the named databases only', () => {
    const s = CredentialRoles.mysqlStatements(['orders', 'users']);
    expect(s[1].creation).toEqual([
      'CREATE USER \'{{name}}\'@\'%\' IDENTIFIED BY \'{{password}}\' WITH MAX_USER_CONNECTIONS 5;',
      'GRANT SELECT, INSERT, UPDATE ON `orders`.* TO \'{{name}}\'@\'%\';',
      'GRANT SELECT, INSERT, UPDATE ON `users`.* TO \'{{name}}\'@\'%\';',
    ]);
  });

  test('MySQL revocation locks the account, revokes, kills every session the user may hold, then drops it (issue #17)', () => {
    const [s] = CredentialRoles.mysqlStatements(['orders'], 2);
    expect(s.creation[0]).toBe('CREATE USER \'{{name}}\'@\'%\' IDENTIFIED BY \'{{password}}\' WITH MAX_USER_CONNECTIONS 2;');
    const round = [
      'SET @agent_trust_session = (SELECT MIN(ID) FROM information_schema.PROCESSLIST WHERE USER = \'{{name}}\' AND ID > @agent_trust_session);',
      'SET @agent_trust_kill = IF(@agent_trust_session IS NULL, \'DO 0\', CONCAT(\'KILL CONNECTION \', @agent_trust_session));',
      'PREPARE agent_trust_kill FROM @agent_trust_kill;',
      'EXECUTE agent_trust_kill;',
      'DEALLOCATE PREPARE agent_trust_kill;',
    ];
    expect(s.revocation).toEqual([
      'ALTER USER IF EXISTS \'{{name}}\'@\'%\' ACCOUNT LOCK;',
      'REVOKE IF EXISTS ALL PRIVILEGES, GRANT OPTION FROM \'{{name}}\'@\'%\' IGNORE UNKNOWN USER;',
      'SET @agent_trust_session = 0;',
      ...round, ...round,
      'DROP USER IF EXISTS \'{{name}}\'@\'%\';',
    ]);
    // Vault's MySQL plugin splits on ";" and substitutes {{name}}: one statement per entry, no ";" inside one.
    for (const stmt of s.revocation) {
      expect(stmt.split(';').filter(x => x.trim()).length).toBe(1);
    }
    expect(CredentialRoles.mysqlStatements(['orders'])[0].revocation.filter(x => x.startsWith('EXECUTE'))).toHaveLength(5);
    expect(() => CredentialRoles.mysqlRevocation(0)).toThrow(/maxConnections = 0: must be a whole number from 1 to 20/);
    expect(() => CredentialRoles.mysqlRevocation(1e9)).toThrow(RangeError);
    expect(collect(p => CredentialRoles._checkMysqlMaxConnections(p, 'X', 'max', 2.5))).toEqual([
      expect.stringMatching(/^X: max = 2\.5: must be a whole number from 1 to 20/),
    ]);
  });

  test('custom MySQL statements that cannot end every session are refused', () => {
    const drop = ['DROP USER IF EXISTS \'{{name}}\'@\'%\';'];
    const create = (n?: number) => [`CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'${n ? ` WITH MAX_USER_CONNECTIONS ${n}` : ''};`];
    const unlocked = CredentialRoles.mysqlRevocation(2).filter(x => !/ACCOUNT LOCK/.test(x));
    const messages = collect(p => CredentialRoles._checkMysqlSessionKill(p, 'X', 'statements', [
      { level: AccessLevel.READ_ONLY, creation: create(), revocation: drop },
      { level: AccessLevel.LIMITED_WRITE, creation: create(3), revocation: CredentialRoles.mysqlRevocation(2) },
      { level: AccessLevel.AUTONOMOUS, creation: create(2), revocation: unlocked },
    ]));
    expect(messages).toEqual([
      expect.stringMatching(/^X: statements\[0\]\.creation = .*does not cap the user's sessions/),
      expect.stringMatching(/^X: statements\[1\]\.revocation = .*kills 2 session\(s\) but the user may hold 3/),
      expect.stringMatching(/^X: statements\[2\]\.revocation = .*without locking the account first/),
    ]);
    expect(collect(p => CredentialRoles._checkMysqlSessionKill(p, 'X', 's', CredentialRoles.mysqlStatements(['orders'], 3)))).toEqual([]);
  });

  test('statement checks name each offending statement', () => {
    const messages = collect(p => CredentialRoles._checkDatabaseStatements(p, 'X', 'statements', [
      { level: AccessLevel.READ_ONLY, creation: ['GRANT ALL PRIVILEGES ON *.* TO \'{{name}}\'@\'%\';'], revocation: ['DROP USER \'{{name}}\';'] },
      { level: AccessLevel.LIMITED_WRITE, creation: ['CREATE USER agent IDENTIFIED BY \'{{password}}\';'], revocation: ['x'] },
      { level: AccessLevel.AUTONOMOUS, creation: ['CREATE ROLE "{{name}}" WITH LOGIN CREATEROLE PASSWORD \'{{password}}\';'], revocation: ['x'] },
    ]));
    expect(messages).toEqual([
      expect.stringMatching(/^X: statements\[0\]\.creation\[0\] = .*: grants ALL PRIVILEGES/),
      expect.stringMatching(/^X: statements\[1\]\.creation = .*never uses \{\{name\}\}/),
      expect.stringMatching(/^X: statements\[2\]\.creation\[0\] = .*: grants CREATEROLE/),
    ]);
  });

  test('identifiers, SSH users and role ARNs are checked', () => {
    expect(collect(p => CredentialRoles._checkIdentifiers(p, 'X', 'schemas', ['ok_1', 'bad-name', '"x"']))).toEqual([
      expect.stringMatching(/schemas\[1\] = "bad-name": is not a plain SQL identifier/),
      expect.stringMatching(/schemas\[2\] = "\\"x\\"": is not a plain SQL identifier/),
    ]);
    expect(collect(p => CredentialRoles._checkSshUsers(p, 'X', 'users', [{ level: AccessLevel.READ_ONLY, users: ['netops', 'admin', 'a,b'] }]))).toEqual([
      expect.stringMatching(/users\[0\]\.users\[1\] = "admin": is an administrator account/),
      expect.stringMatching(/users\[0\]\.users\[2\] = "a,b": is not a plain login name/),
    ]);
    expect(collect(p => CredentialRoles._checkAwsRoles(p, 'X', 'roles', [
      { level: AccessLevel.READ_ONLY, roleArn: 'arn:aws:iam::123456789012:role/agents/read-only' },
      { level: AccessLevel.AUTONOMOUS, roleArn: 'arn:aws:iam::123456789012:user/admin' },
    ]))).toEqual([expect.stringMatching(/roles\[1\]\.roleArn = "arn:aws:iam::123456789012:user\/admin": is not an IAM role ARN/)]);
  });

  test('required levels follow the ladder; coverage names the missing level and the phases that need it', () => {
    const f = fleet();
    expect(CredentialRoles.requiredLevels(f, Domain.LLM).map(l => l.name)).toEqual(['read-only', 'limited-write', 'autonomous']);
    const rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }];
    const small = fleet({ ladder: new TrustLadder([{ phase: TrustPhase.SHADOW, description: 'x', kubernetesRules: rules, domainAccess: [{ domain: Domain.LLM, level: AccessLevel.LIMITED_WRITE }] }]) });
    expect(CredentialRoles.requiredLevels(small, Domain.LLM).map(l => l.name)).toEqual(['read-only', 'limited-write']);
    expect(CredentialRoles.requiredLevels(small, Domain.CLOUD)).toEqual([]);
    expect(collect(p => CredentialRoles._checkCoverage(p, 'X', 'roles', f, Domain.CLOUD, [AccessLevel.READ_ONLY, AccessLevel.READ_ONLY]))).toEqual([
      expect.stringMatching(/roles = \["read-only","read-only"\]: has no credential role for level "limited-write", which phase\(s\) limited-write, autonomous may request/),
      expect.stringMatching(/roles = .*level "autonomous", which phase\(s\) autonomous may request/),
      expect.stringMatching(/roles\[1\]\.level = "read-only": is listed twice/),
    ]);
  });

  test('Kubernetes-engine roles reuse the namespaced rules of the lowest phase holding each level', () => {
    const f = fleet();
    const roles = CredentialRoles.kubernetesRoles(f, Domain.APPLICATION);
    expect(roles.map(r => r.level.name)).toEqual(['read-only', 'limited-write', 'autonomous']);
    const readOnlyRules = f.ladder.definition(TrustPhase.READ_ONLY).kubernetesRules.filter(r => !r.clusterScoped);
    expect(roles[0].rules).toEqual(readOnlyRules);
    expect(roles.every(r => (r.rules ?? []).every(x => !x.clusterScoped))).toBe(true);
    expect(collect(p => CredentialRoles._checkKubernetesRoles(p, 'X', 'roles', roles))).toEqual([]);
  });

  test('TTLs default to deadline and deadline + margin; longer or inverted ones are reported', () => {
    const f = fleet({ jobDeadline: TrustDuration.minutes(10), ttlMargin: TrustDuration.seconds(30) });
    expect(CredentialRoles.ttls(f)).toEqual({ defaultTtlSeconds: 600, maxTtlSeconds: 630 });
    expect(collect(p => CredentialRoles._checkTtls(p, 'X', f))).toEqual([]);
    expect(collect(p => CredentialRoles._checkTtls(p, 'X', f, TrustDuration.seconds(601), TrustDuration.seconds(631)))).toEqual([
      'X: defaultTtl = 601s: is longer than the Job deadline (600s): credentials would outlive the investigation. Fix: use at most 600s, or leave it unset to use the deadline',
      'X: maxTtl = 631s: is longer than the agent token\'s explicit max TTL (Job deadline + margin = 630s): a lease must not outlive the token it is revoked with. Fix: use at most 630s, or leave it unset',
    ]);
    expect(collect(p => CredentialRoles._checkTtls(p, 'X', f, TrustDuration.seconds(500), TrustDuration.seconds(300)))).toEqual([
      'X: defaultTtl = 500s: is longer than maxTtl (300s). Fix: make the default at most the maximum',
    ]);
    expect(collect(p => CredentialRoles._checkTtls(p, 'X', f, TrustDuration.seconds(0.5)))).toEqual([
      expect.stringMatching(/^X: defaultTtl = 0.5s: must be at least one whole second/),
    ]);
  });
});
