import { AgentFleet } from '../agent-fleet';
import { TrustPhase } from '../trust-phase';
import { ProblemCollector } from './problem-collector';

/** The checks every construct makes of its `fleet` and `phase` props, worded once. */
export class FleetChecks {
  /** Record a problem unless `fleet` is an AgentFleet; whether it is one. */
  public static isFleet(problems: ProblemCollector, path: string, fleet: unknown): fleet is AgentFleet {
    if (fleet instanceof AgentFleet) {
      return true;
    }
    problems.add(path, 'fleet', fleet, 'is not an AgentFleet', 'pass the fleet declaration: new AgentFleet({ … })');
    return false;
  }

  /** Record a problem unless `phase` is a phase of the fleet's ladder; whether it is one. */
  public static isPhaseOf(problems: ProblemCollector, path: string, fleet: AgentFleet, phase: TrustPhase | undefined): phase is TrustPhase {
    if (phase && fleet.ladder.has(phase)) {
      return true;
    }
    problems.add(path, 'phase', phase?.name, 'is not a phase of the fleet\'s ladder', `use one of ${fleet.ladder.phases.join(', ')}`);
    return false;
  }

  /** Throw at once unless `phase` is a phase of the fleet's ladder (every later check needs the phase). */
  public static requirePhaseOf(path: string, fleet: AgentFleet, phase: TrustPhase | undefined): void {
    const problems = new ProblemCollector();
    if (!FleetChecks.isPhaseOf(problems, path, fleet, phase)) {
      problems.throwIfAny(path);
    }
  }

  private constructor() {}
}
