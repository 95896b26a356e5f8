import { AdmissionDenialReason, AdmissionMatchCondition, AdmissionRule, AdmissionRules } from './admission-rules';
import { AgentFleet } from './agent-fleet';
import { LauncherContract } from './launcher-contract';
import { lit, listLit } from './private/cel-literal';

/** Default name of the promotion identity's ServiceAccount, in the agent namespace. */
const DEFAULT_PROMOTER_NAME = 'agent-trust-promoter';

/**
 * The rules of the params policy (issue #17 item 4): the ceilings ConfigMap
 * (`agent-trust-ceilings`, which the Job and Pod policies read) and every
 * agent's launcher-contract ConfigMap are created, updated and deleted
 * only by the promotion identity. Without it anyone with `edit` in the
 * agent namespace could raise a ceiling, swap an agent's image in the
 * params, or rewrite a contract the launcher renders from.
 */
export class ParamsAdmissionRules {
  /** Rule id: only the promotion identity writes the guarded ConfigMaps. */
  public static readonly WRITTEN_BY_PROMOTION_IDENTITY = 'params-written-by-promotion-identity';

  /** The default promotion identity of a fleet: `system:serviceaccount:<namespace>:agent-trust-promoter`. */
  public static defaultPromoters(fleet: AgentFleet): string[] {
    return [AdmissionRules.serviceAccountUsername(fleet.namespace, DEFAULT_PROMOTER_NAME)];
  }

  /** The ConfigMaps guarded: the params and each agent's contract, sorted. */
  public static guardedNames(fleet: AgentFleet): string[] {
    return [AdmissionRules.PARAMS_NAME, ...fleet.agents.map(a => LauncherContract.configMapName(a.name))].sort();
  }

  /** Only requests on the guarded ConfigMaps are checked (request.name is set for CREATE, UPDATE and DELETE). */
  public static matchConditions(fleet: AgentFleet): AdmissionMatchCondition[] {
    return [{ name: 'guarded-configmap', expression: `request.name in ${listLit(ParamsAdmissionRules.guardedNames(fleet))}` }];
  }

  /** The one rule of the params policy. */
  public static rules(promoters: string[]): AdmissionRule[] {
    const id = ParamsAdmissionRules.WRITTEN_BY_PROMOTION_IDENTITY;
    const p = AdmissionRules.messagePrefix(id);
    const user = 'request.userInfo.username';
    return [{
      id,
      description: `Only ${promoters.join(', ')} may create, update or delete the ceilings ConfigMap and the launcher-contract `
        + 'ConfigMaps (a ceiling change is a reviewed promotion).',
      expression: `has(request.userInfo) && has(${user}) && ${user} in ${listLit(promoters)}`,
      message: `${p}only the promotion identity (${promoters.join(', ')}) may write the ceilings and launcher-contract ConfigMaps`,
      messageExpression: `${lit(p)} + (has(request.userInfo) && has(${user}) ? ${user} : "an anonymous request")`
        + ` + ${lit(' may not ')} + request.operation.lowerAscii() + ${lit(' ConfigMap ')} + request.name`
        + ` + ${lit(`; only the promotion identity (${promoters.join(', ')}) may`)}`,
      reason: AdmissionDenialReason.FORBIDDEN,
    }];
  }
}
