/**
 * The orders resting right now, with O(1) add, remove and pick-by-position: a dense
 * array with swap-remove plus an index by id. Picking `floor(u × size)` from it gives a
 * uniformly random resting order.
 */
export class RestingSet {
  private readonly ids: number[] = [];
  private readonly owners: number[] = [];
  private readonly sides: boolean[] = [];
  private readonly slotOf = new Map<number, number>();

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  add(id: number, owner: number, isBuy: boolean): void {
    if (this.slotOf.has(id)) throw new Error(`order ${id} already rests`);
    this.slotOf.set(id, this.ids.length);
    this.ids.push(id);
    this.owners.push(owner);
    this.sides.push(isBuy);
  }

  /** Removes `id` if present; the last entry moves into its slot. */
  delete(id: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    const last = this.ids.length - 1;
    const lastId = this.ids[last] as number;
    this.ids[slot] = lastId;
    this.owners[slot] = this.owners[last] as number;
    this.sides[slot] = this.sides[last] as boolean;
    this.slotOf.set(lastId, slot);
    this.ids.pop();
    this.owners.pop();
    this.sides.pop();
    this.slotOf.delete(id);
  }

  /** The order at position `slot` (0 ≤ slot < size): its id, owner and side. */
  at(slot: number): { id: number; owner: number; isBuy: boolean } {
    if (slot < 0 || slot >= this.ids.length) throw new RangeError(`slot ${slot} of ${this.ids.length}`);
    return {
      id: this.ids[slot] as number,
      owner: this.owners[slot] as number,
      isBuy: this.sides[slot] as boolean,
    };
  }
}
