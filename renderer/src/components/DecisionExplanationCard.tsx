import type { DecisionExplanation } from '../../../electron/core/decisions/explain.ts';

const STEP_LABEL: Record<DecisionExplanation['steps'][number]['kind'], string> = {
  guard: 'Guard',
  formula: 'Formula',
  tolerance: 'Tolerance',
  conservative: 'Missing / unready pods',
  stabilization: 'Stabilization window',
  rate: 'Rate policies',
  clamp: 'Min / max',
  result: 'Result',
  reconstruction: 'The HPA',
  mismatch: 'They differ',
};

/**
 * The arithmetic behind one autoscaler decision (core/decisions/explain.ts): which replicas
 * counted and which were left out, then each step with its numbers, in the order the HPA ran them.
 * Where the real HPA decided, the card says it is Scaledeck's reconstruction, and says so first
 * when the two counts differ.
 */
export function DecisionExplanationCard({ explanation }: { explanation: DecisionExplanation }) {
  const r = explanation.reconstruction;
  const differs = r !== undefined && !r.matches;
  return (
    <div className={`decision-card${differs ? ' decision-differs' : ''}`} aria-label="Decision explanation">
      {r && (
        <p
          className={
            // field-error: the danger colour the stylesheet already has.
            differs ? 'decision-reconstruction field-error' : 'decision-reconstruction muted'
          }
        >
          {differs
            ? `≠ Scaledeck's reconstruction: ${r.desiredReplicas}, the HPA decided ${explanation.desiredReplicas} — they differ`
            : `Scaledeck's reconstruction of the HPA's decision (it agrees: ${r.desiredReplicas})`}
        </p>
      )}
      <ul className="decision-inputs" aria-label="Replicas">
        {explanation.inputs.map((input) => (
          <li key={input.name} data-counted={input.counted}>
            <code>{input.name}</code>{' '}
            {input.cpuUtilizationPercent === undefined
              ? 'no metric'
              : `${Math.round(input.cpuUtilizationPercent * 10) / 10} %`}
            {!input.counted && <span className="muted"> — left out: {input.leftOut}</span>}
          </li>
        ))}
      </ul>
      <dl className="decision-steps">
        {explanation.steps.map((step, i) => (
          <div key={`${step.kind}-${i}`} data-step={step.kind}>
            <dt>{STEP_LABEL[step.kind]}</dt>
            <dd>
              <code>{step.text}</code>
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
