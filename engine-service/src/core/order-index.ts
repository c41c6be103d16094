import type { Order } from './order.js';

/**
 * Resting orders by id. Ids are increasing sequence numbers and most orders end
 * young, so an order lives in the slot `id mod 2^k` of a ring; an older order still
 * resting when a newer one needs its slot moves to an overflow Map. Lookups are one
 * array read for all but the oldest orders.
 */
export class OrderIndex {
  private readonly slots: (Order | null)[];
  private readonly mask: number;
  private readonly overflow = new Map<number, Order>();
  size = 0;

  constructor(slotBits = 16) {
    this.slots = new Array<Order | null>(1 << slotBits).fill(null);
    this.mask = (1 << slotBits) - 1;
  }

  get(id: number): Order | undefined {
    const order = this.slots[id & this.mask];
    if (order != null && order.id === id) return order;
    return this.overflow.size === 0 ? undefined : this.overflow.get(id);
  }

  add(order: Order): void {
    const slot = order.id & this.mask;
    const older = this.slots[slot];
    if (older != null) this.overflow.set(older.id, older);
    this.slots[slot] = order;
    this.size++;
  }

  delete(order: Order): void {
    const slot = order.id & this.mask;
    if (this.slots[slot] === order) this.slots[slot] = null;
    else this.overflow.delete(order.id);
    this.size--;
  }
}
