// The first thing an empty dashboard offers: one click deploys the stack and plays the built-in
// autoscaling demo. Deploy in the Stack panel stays for those who want an empty stack.
import './scenario.css';
import { isScenarioActive } from '../../store/slices/scenario-slice.ts';
import { useApp } from '../../store/store.ts';
import { CommandGuard } from '../CommandGuard.tsx';
import { formatMinutes } from './countdown.ts';

export const DEMO_SCENARIO = 'autoscaling-90s';

export function FirstRunCard() {
  const absent = useApp((s) => s.status?.phase === 'absent');
  const deploying = useApp((s) => s.progress.operation !== null && !s.progress.done);
  const playing = useApp((s) => isScenarioActive(s.scenario));
  const starting = useApp((s) => s.scenarioBusy);
  // While the session moves to another target, the demo would deploy on the one being left.
  const switching = useApp((s) => s.switching !== null);
  const unavailable = useApp((s) => s.targets.find((t) => t.id === s.targetId)?.available === false);
  const demo = useApp((s) => s.scenarios.find((d) => d.name === DEMO_SCENARIO));
  const play = useApp((s) => s.playScenario);
  if (!absent || deploying || playing) return null;
  return (
    <section className="card first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Nothing is deployed yet</h2>
      <p className="first-run-lead">
        {demo
          ? `${demo.title} (${formatMinutes(demo.seconds * 1000)}): ${demo.description}`
          : 'Deploy the stack and watch it scale: load ramps until CPU crosses the target, the autoscaler scales out and explains each decision, then the load drops.'}
      </p>
      <CommandGuard>
        <button
          type="button"
          className="primary first-run-play"
          disabled={starting || switching || unavailable}
          onClick={() => void play({ name: DEMO_SCENARIO, deploy: true })}
        >
          {starting ? 'Starting the demo…' : 'Play the autoscaling demo'}
        </button>
      </CommandGuard>
      <p className="muted">
        It deploys the stack first. Or press Deploy in the Stack panel to start with an empty stack.
      </p>
    </section>
  );
}
