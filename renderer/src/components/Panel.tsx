/** A titled card; the heading names the region for assistive technology. */
export function Panel({
  title,
  id,
  actions,
  children,
  className,
}: {
  title: string;
  id: string;
  actions?: React.ReactNode;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <section className={`card panel ${className ?? ''}`} aria-labelledby={`${id}-title`}>
      <header className="panel-header">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}
