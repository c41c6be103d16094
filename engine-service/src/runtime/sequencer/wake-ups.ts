/** A promise that the next {@link WakeUps.notify} resolves: how the sequencer's loop and its receivers wake each other. */
export class WakeUps {
  private waiters: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
