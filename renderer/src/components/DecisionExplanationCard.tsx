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
  mismatch: 'Differs from the record',
};

/**
 * The arithmetic behind one autoscaler decision (core/decisions/explain.ts): which replicas
 * counted and which were left out, then each step with its numbers, in the order the HPA ran them.
 */
export function DecisionExplanationCard({ explanation }: { explanation: DecisionExplanation }) {
  return (
    <div className="decision-card" aria-label="Decision explanation">
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
