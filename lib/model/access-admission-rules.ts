import { AdmissionMatchCondition, AdmissionRule } from './admission-rules';
import { TrustNames } from './trust-names';
import { messagePrefix, rule } from './private/admission-rule-table';
import { lit } from './private/cel-literal';

/**
 * The rules that close the two ways to a phase identity that bypass a Pod:
 * minting a token for a phase ServiceAccount (`serviceaccounts/token`), and
 * entering a running investigation Pod (`pods/exec`, `pods/attach`,
 * `pods/portforward`).
 *
 * A TokenRequest admission request carries the `TokenRequest` as `object`
 * and the ServiceAccount's name as `request.name`. Only a kubelet
 * (`system:node:<node>` in group `system:nodes`) minting the projected
 * token of an investigation Pod (`spec.boundObjectRef` of kind Pod, named
 * `investigation-…`) is admitted: `kubectl create token agent-phase-…` is
 * denied whoever asks, cluster admins included.
 *
 * A CONNECT request carries a `PodExecOptions` / `PodAttachOptions` /
 * `PodPortForwardOptions` / `PodProxyOptions`, not the Pod, so the Pod's labels are not
 * visible: investigation Pods are recognised by `request.name`, which the
 * Job controller makes `investigation-<id>-<suffix>`.
 */
export class AccessAdmissionRules {
  /** The node group every kubelet authenticates in. */
  public static readonly NODES_GROUP = 'system:nodes';
  /** Prefix of a kubelet's username. */
  public static readonly NODE_USER_PREFIX = 'system:node:';
  /**
   * The subresources of a Pod that open a stream into it: exec, attach,
   * port-forward, and the API server's HTTP proxy to its ports (a
   * port-forward by another name).
   */
  public static readonly CONNECT_SUBRESOURCES: string[] = ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy'];

  /** Rule id: a phase ServiceAccount's token is minted only by a kubelet, bound to an investigation Pod. */
  public static readonly TOKEN_BOUND_BY_KUBELET = 'token-bound-to-pod-by-kubelet';
  /** Rule id: no exec, attach or port-forward into an investigation Pod. */
  public static readonly NO_CONNECT = 'no-exec-attach-portforward';

  /** The token policy checks only requests for a phase ServiceAccount (`request.name`). */
  public static tokenMatchConditions(): AdmissionMatchCondition[] {
    return [{
      name: 'phase-service-account',
      expression: `has(request.name) && request.name.startsWith(${lit(TrustNames.PHASE_PREFIX)})`,
    }];
  }

  /** The rule of the token policy. */
  public static tokenRules(): AdmissionRule[] {
    const id = AccessAdmissionRules.TOKEN_BOUND_BY_KUBELET;
    const p = messagePrefix(id);
    const user = 'request.userInfo.username';
    const ref = 'object.spec.boundObjectRef';
    return [rule({
      id,
      description: `A token for an ${TrustNames.PHASE_PREFIX}* ServiceAccount is minted only by a kubelet (${AccessAdmissionRules.NODE_USER_PREFIX}<node>, `
        + `group ${AccessAdmissionRules.NODES_GROUP}) for the projected volume of an investigation Pod (boundObjectRef kind Pod, `
        + `name ${TrustNames.JOB_PREFIX}…).`,
      expression: `has(request.userInfo) && has(${user}) && ${user}.startsWith(${lit(AccessAdmissionRules.NODE_USER_PREFIX)})`
        + ` && has(request.userInfo.groups) && ${lit(AccessAdmissionRules.NODES_GROUP)} in request.userInfo.groups`
        + ` && has(object.spec) && has(${ref}) && has(${ref}.kind) && ${ref}.kind == "Pod"`
        + ` && has(${ref}.name) && ${ref}.name.startsWith(${lit(TrustNames.JOB_PREFIX)})`,
      message: `tokens for ${TrustNames.PHASE_PREFIX}* ServiceAccounts are minted only by a kubelet for an investigation Pod `
        + '(kubectl create token is denied)',
      messageExpression: `${lit(p)} + (has(request.userInfo) && has(${user}) ? ${user} : "an anonymous request")`
        + ` + ${lit(' may not mint a token for ')} + request.name`
        + ` + ${lit(`: only a kubelet may, bound to an investigation Pod (boundObjectRef kind Pod, name ${TrustNames.JOB_PREFIX}…)`)}`,
    })];
  }

  /** The rule of the exec/attach/port-forward policy. */
  public static connectRules(): AdmissionRule[] {
    const id = AccessAdmissionRules.NO_CONNECT;
    const p = messagePrefix(id);
    return [rule({
      id,
      description: `No exec, attach, port-forward or proxy into a Pod named ${TrustNames.JOB_PREFIX}… (a shell there holds the phase's Vault `
        + 'token and credentials).',
      expression: `!(has(request.name) && request.name.startsWith(${lit(TrustNames.JOB_PREFIX)}))`,
      message: `exec, attach, port-forward and proxy into investigation Pods are denied; read the agent's logs and traces instead`,
      messageExpression: `${lit(p)} + (has(request.subResource) ? request.subResource : "connect") + ${lit(' into ')} + request.name`
        + ` + ${lit(' is denied: investigation Pods hold a phase\'s credentials; read the logs and traces instead')}`,
    })];
  }
}
