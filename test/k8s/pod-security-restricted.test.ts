import { PodSecurityRestricted } from '../../lib';

/** A minimal pod spec that meets `restricted`. */
function compliant(): any {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'agent',
      image: 'registry.example.com/a:1',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    }],
    volumes: [{ name: 'scratch', emptyDir: {} }, { name: 't', projected: { sources: [] } }],
  };
}

const C = 'containers[0].securityContext';

describe('PodSecurityRestricted', () => {
  test('a compliant pod spec passes', () => {
    expect(PodSecurityRestricted.check(compliant(), 'pod')).toEqual([]);
  });

  test('restricted alternatives pass too: per-container runAsNonRoot and seccomp, NET_BIND_SERVICE, Localhost profiles', () => {
    const spec = compliant();
    spec.securityContext = {};
    spec.containers[0].securityContext = {
      allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' },
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, appArmorProfile: { type: 'RuntimeDefault' },
      seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' },
    };
    spec.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }];
    expect(PodSecurityRestricted.check(spec, 'pod')).toEqual([]);
  });

  // Each tampering breaks one rule of the published profile; the message names the field.
  const tamperings: Array<[string, (s: any) => void, string]> = [
    ['hostNetwork', s => { s.hostNetwork = true; }, 'pod.hostNetwork: must be unset or false (host namespaces)'],
    ['hostPID', s => { s.hostPID = true; }, 'pod.hostPID: must be unset or false'],
    ['hostIPC', s => { s.hostIPC = true; }, 'pod.hostIPC: must be unset or false'],
    ['privileged', s => { s.containers[0].securityContext.privileged = true; }, `pod.${C}.privileged: must be unset or false`],
    ['capability added', s => { s.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; }, `pod.${C}.capabilities.add: may only add NET_BIND_SERVICE`],
    ['capabilities not dropped', s => { s.containers[0].securityContext.capabilities = { drop: ['NET_RAW'] }; }, `pod.${C}.capabilities.drop: must include "ALL"`],
    ['hostPath volume', s => { s.volumes.push({ name: 'h', hostPath: { path: '/' } }); }, 'pod.volumes[2].hostPath: hostPath volumes are forbidden'],
    ['disallowed volume type', s => { s.volumes.push({ name: 'n', nfs: { server: 'x', path: '/' } }); }, 'pod.volumes[2].nfs: volume type "nfs" is not allowed'],
    ['hostPort', s => { s.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]; }, 'pod.containers[0].ports[0].hostPort: must be unset or 0'],
    ['AppArmor unconfined (field)', s => { s.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }; }, `pod.${C}.appArmorProfile.type: must be RuntimeDefault or Localhost`],
    ['SELinux type', s => { s.securityContext.seLinuxOptions = { type: 'spc_t' }; }, 'pod.securityContext.seLinuxOptions.type: must be unset or one of'],
    ['SELinux user', s => { s.containers[0].securityContext.seLinuxOptions = { user: 'system_u' }; }, `pod.${C}.seLinuxOptions.user: must be unset or empty`],
    ['procMount', s => { s.containers[0].securityContext.procMount = 'Unmasked'; }, `pod.${C}.procMount: must be unset or Default`],
    ['unsafe sysctl', s => { s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }, 'pod.securityContext.sysctls[0].name: is not a safe sysctl'],
    ['windows hostProcess', s => { s.securityContext.windowsOptions = { hostProcess: true }; }, 'pod.securityContext.windowsOptions.hostProcess: must be unset or false'],
    ['privilege escalation', s => { delete s.containers[0].securityContext.allowPrivilegeEscalation; }, `pod.${C}.allowPrivilegeEscalation: must be false`],
    ['runAsNonRoot missing', s => { delete s.securityContext.runAsNonRoot; }, `pod.${C}.runAsNonRoot: must be true here or in the pod securityContext`],
    ['runAsNonRoot false on container', s => { s.containers[0].securityContext.runAsNonRoot = false; }, `pod.${C}.runAsNonRoot: must be true or unset`],
    ['runAsUser 0 on pod', s => { s.securityContext.runAsUser = 0; }, 'pod.securityContext.runAsUser: must not be 0 (root)'],
    ['runAsUser 0 on container', s => { s.containers[0].securityContext.runAsUser = 0; }, `pod.${C}.runAsUser: must not be 0 (root)`],
    ['seccomp missing', s => { delete s.securityContext.seccompProfile; }, `pod.${C}.seccompProfile.type: must be RuntimeDefault or Localhost here or in the pod securityContext`],
    ['seccomp unconfined', s => { s.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }, `pod.${C}.seccompProfile.type: must not be Unconfined`],
    ['init container unhardened', s => { s.initContainers = [{ name: 'init', image: 'x:1' }]; }, 'pod.initContainers[0].securityContext.allowPrivilegeEscalation: must be false'],
    ['ephemeral container unhardened', s => { s.ephemeralContainers = [{ name: 'debug', image: 'x:1', securityContext: { allowPrivilegeEscalation: false } }]; }, 'pod.ephemeralContainers[0].securityContext.capabilities.drop: must include "ALL"'],
  ];

  test.each(tamperings)('tampered (%s) fails with the field named', (_, tamper, expected) => {
    const spec = compliant();
    tamper(spec);
    const problems = PodSecurityRestricted.check(spec, 'pod');
    expect(problems.some(p => p.startsWith(expected))).toBe(true);
  });

  test('the legacy AppArmor annotation is checked per container', () => {
    const key = 'container.apparmor.security.beta.kubernetes.io/agent';
    expect(PodSecurityRestricted.check(compliant(), 'pod', { [key]: 'runtime/default' })).toEqual([]);
    expect(PodSecurityRestricted.check(compliant(), 'pod', { [key]: 'unconfined' }))
      .toEqual([`pod annotation ${key}: AppArmor profile must be runtime/default or localhost/* (got "unconfined")`]);
  });

  test('checkManifest finds the pod spec of each workload kind and ignores the rest', () => {
    const spec = compliant();
    spec.hostNetwork = true;
    const template = { metadata: {}, spec };
    const cases: Array<[any, string]> = [
      [{ kind: 'Pod', metadata: { name: 'p', namespace: 'n' }, spec }, 'Pod n/p spec.hostNetwork'],
      [{ kind: 'Job', metadata: { name: 'j' }, spec: { template } }, 'Job j spec.template.spec.hostNetwork'],
      [{ kind: 'Deployment', metadata: { name: 'd' }, spec: { template } }, 'Deployment d spec.template.spec.hostNetwork'],
      [{ kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template } } } }, 'CronJob c spec.jobTemplate.spec.template.spec.hostNetwork'],
    ];
    for (const [manifest, expected] of cases) {
      expect(PodSecurityRestricted.hasPodSpec(manifest)).toBe(true);
      expect(PodSecurityRestricted.checkManifest(manifest)[0]).toMatch(new RegExp(`^${expected.replace(/[.*]/g, '\\$&')}:`));
    }
    expect(PodSecurityRestricted.checkManifest({ kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([]);
    expect(PodSecurityRestricted.hasPodSpec({ kind: 'Role' })).toBe(false);
  });

  test('an empty or missing spec does not crash', () => {
    expect(PodSecurityRestricted.check(undefined, 'pod')).toEqual([]);
    expect(PodSecurityRestricted.check({ containers: [{}] }, 'pod').length).toBeGreaterThan(0);
  });
});
