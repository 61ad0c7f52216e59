// Page object of the target picker: choose a target as a user would, read what the page shows.
import type { Locator, Page } from 'playwright-core';

export class TargetPickerPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  combobox(): Locator {
    return this.page.getByRole('combobox', { name: 'Target' });
  }

  /** The reason shown after a switch failed (role alert, under the picker). */
  error(): Locator {
    return this.page.getByRole('alert').filter({ hasText: 'Could not switch target' });
  }

  /** Resolves once targets:list has answered and names this target. */
  async waitForTarget(id: string, timeoutMs = 30_000): Promise<void> {
    await this.combobox().locator(`option[value="${id}"]`).waitFor({ state: 'attached', timeout: timeoutMs });
  }

  async optionText(id: string): Promise<string> {
    return (await this.combobox().locator(`option[value="${id}"]`).textContent()) ?? '';
  }

  async choose(id: string): Promise<void> {
    await this.combobox().selectOption(id);
  }

  /** Resolves once the picker shows this target and takes input again (no switch in flight). */
  async waitForCurrent(id: string, timeoutMs = 60_000): Promise<void> {
    await this.page.waitForFunction(
      (wanted) => {
        const select = document.querySelector<HTMLSelectElement>('#target-select');
        return select !== null && select.value === wanted && !select.disabled;
      },
      id,
      { timeout: timeoutMs },
    );
  }

  timelineEntry(text: string): Locator {
    return this.page.getByRole('list', { name: 'Timeline events' }).getByText(text);
  }
}
