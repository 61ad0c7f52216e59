// Page object of the dashboard: the e2e talks in user terms (deploy, set replicas, start load)
// and finds controls by their accessible names, as a screen reader would.
import type { Download, Locator, Page } from 'playwright-core';

export class DashboardPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.getByRole('button', { name: 'Deploy', exact: true }).waitFor();
  }

  // ---- stack ----
  stackPhase(): Locator {
    return this.page.getByRole('region', { name: 'Stack' }).locator('.pill');
  }

  async deploy(timeoutMs: number): Promise<void> {
    await this.page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await this.page.getByRole('progressbar', { name: 'Deploy progress' }).waitFor();
    await this.waitFor(
      async () => (await this.stackPhase().textContent()) === 'Running',
      timeoutMs,
      'stack Running',
    );
  }

  // ---- replicas ----
  replicasSlider(): Locator {
    return this.page.getByRole('slider', { name: 'Replicas', exact: true });
  }

  replicasBox(): Locator {
    return this.page.getByRole('spinbutton', { name: 'Replicas', exact: true });
  }

  /** Moves the slider with the keyboard, one step per arrow press, like a user would. */
  async moveReplicasSliderTo(target: number): Promise<void> {
    const slider = this.replicasSlider();
    await slider.focus();
    const current = Number(await slider.inputValue());
    const key = target > current ? 'ArrowRight' : 'ArrowLeft';
    for (let i = 0; i < Math.abs(target - current); i++) await slider.press(key);
  }

  async setReplicasNumber(n: number): Promise<void> {
    await this.replicasBox().fill(String(n));
  }

  /** N of the "about N fit" beside the Replicas slider; null while the target gives no estimate. */
  async replicasThatFit(): Promise<number | null> {
    const note = this.page.getByRole('region', { name: 'Replicas' }).getByText(/^about \d+ fit$/);
    if ((await note.count()) === 0) return null;
    return Number(/\d+/.exec((await note.textContent()) ?? '')?.[0]);
  }

  /** The line under the Replicas slider saying what a count past the estimate means. */
  replicasWarning(): Locator {
    return this.page.getByRole('region', { name: 'Replicas' }).getByRole('status');
  }

  async desiredReplicas(): Promise<number> {
    return Number(await this.page.getByTestId('desired-replicas').textContent());
  }

  async readyReplicas(): Promise<number> {
    return Number(await this.page.getByTestId('ready-replicas').textContent());
  }

  replicaRows(): Locator {
    return this.page.getByRole('table', { name: 'Replicas' }).locator('tbody tr[data-state]');
  }

  async replicaIds(state?: string): Promise<string[]> {
    const rows = state
      ? this.page.locator(`table.replicas tbody tr[data-state="${state}"]`)
      : this.replicaRows();
    return rows.locator('td:first-child').allTextContents();
  }

  // ---- load ----
  async startLoad(rps: number): Promise<void> {
    await this.page.getByRole('spinbutton', { name: 'Request rate', exact: true }).fill(String(rps));
    await this.page.getByRole('button', { name: 'Start load' }).click();
  }

  async stopLoad(): Promise<void> {
    const stop = this.page.getByRole('button', { name: 'Stop load' });
    if (await stop.isEnabled()) await stop.click();
  }

  chart(title: string): Locator {
    return this.page.getByRole('figure', { name: title, exact: true });
  }

  /** The latest value a chart's legend shows for one series, as a number (NaN when none). */
  async latestValue(chartTitle: string, series: string): Promise<number> {
    const text = await this.chart(chartTitle)
      .locator(`li[data-series="${series}"] .legend-value`)
      .textContent();
    return Number.parseFloat((text ?? '').replace(/[^\d.+-eE]/g, ''));
  }

  // ---- autoscaler ----
  async setAutoscaler(on: boolean): Promise<void> {
    const toggle = this.page.getByRole('switch', { name: 'Autoscaler' });
    if ((await toggle.isChecked()) !== on) await toggle.click();
    await this.waitFor(
      async () => (await toggle.isChecked()) === on,
      15_000,
      `autoscaler ${on ? 'on' : 'off'}`,
    );
  }

  /** Opens the autoscaler's collapsed Behavior section (a <details>). */
  async openBehavior(): Promise<void> {
    const details = this.page.getByTestId('behavior');
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  }

  /** The windows the target applies, as the section's summary line shows them. */
  async behaviorSummary(): Promise<string> {
    return (await this.page.getByTestId('behavior-summary').textContent()) ?? '';
  }

  behaviorWindow(direction: 'Scale-up' | 'Scale-down'): Locator {
    return this.page.getByRole('spinbutton', { name: `${direction} stabilization window`, exact: true });
  }

  /** The error shown under a control (linked by aria-describedby), or null when there is none. */
  async errorOf(control: Locator): Promise<string | null> {
    // Read in one step in the page: an error that goes away between reading the id and reading
    // its text must read as none, not wait for an element that is gone.
    return control.evaluate((el) => {
      const ids = el.getAttribute('aria-describedby')?.split(/\s+/).filter(Boolean) ?? [];
      if (ids.length === 0) return null;
      return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    });
  }

  timelineItems(type?: string): Locator {
    const list = this.page.getByRole('list', { name: 'Timeline events' });
    return type ? list.locator(`li[data-type="${type}"]`) : list.locator('li');
  }

  // ---- chaos, export ----
  async killReplica(): Promise<void> {
    await this.page.getByRole('button', { name: 'Kill a replica' }).click();
  }

  async export(kind: 'PNG' | 'CSV' | 'JSON'): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download', { timeout: 60_000 }),
      this.page.getByRole('button', { name: `Export ${kind}` }).click(),
    ]);
    return download;
  }

  // ---- a saved export, offline ----
  /** Open export… with a real file chooser, as a user picks the file. */
  async openExport(file: string): Promise<void> {
    const [chooser] = await Promise.all([
      this.page.waitForEvent('filechooser'),
      this.page.getByRole('button', { name: 'Open export…' }).click(),
    ]);
    await chooser.setFiles(file);
  }

  offlineBanner(): Locator {
    return this.page.getByRole('region', { name: 'Saved export' });
  }

  async backToLive(): Promise<void> {
    await this.offlineBanner().getByRole('button', { name: 'Back to live' }).click();
  }

  // ---- what if ----
  whatIf(): Locator {
    return this.page.getByRole('region', { name: 'What if…' });
  }

  whatIfSummary(): Locator {
    return this.page.getByTestId('whatif-summary');
  }

  whatIfBox(name: string): Locator {
    return this.page.getByRole('spinbutton', { name: `What-if ${name}`, exact: true });
  }

  /** Opens the what-if form's Behavior section (the autoscaler's form, named "What-if …"). */
  async openWhatIfBehavior(): Promise<void> {
    const details = this.page.getByTestId('whatif-behavior');
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  }

  async waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await this.page.waitForTimeout(250);
    }
  }
}
