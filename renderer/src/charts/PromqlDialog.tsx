import { useEffect, useRef, useState } from 'react';

interface Props {
  title: string;
  queries: { name: string; query: string }[];
  onClose(): void;
}

/** Shows the PromQL behind a chart and copies it; Escape or the Close button closes it. */
export function PromqlDialog({ title, queries, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const text = queries.map((q) => (queries.length > 1 ? `# ${q.name}\n${q.query}` : q.query)).join('\n\n');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied');
    } catch {
      // Clipboard access can be denied (insecure origin, permissions): select the text instead.
      const pre = ref.current?.querySelector('pre');
      if (pre) window.getSelection()?.selectAllChildren(pre);
      setCopied('Selected: press Ctrl+C');
    }
  };

  return (
    <dialog ref={ref} className="promql" aria-label={`PromQL of ${title}`} onClose={onClose}>
      <h2>PromQL · {title}</h2>
      <pre>{text}</pre>
      <div className="row end">
        <span role="status" className="muted">
          {copied}
        </span>
        <button type="button" onClick={() => void copy()}>
          Copy PromQL
        </button>
        <button type="button" className="ghost" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
