import type { Order } from './order.js';

/**
 * All resting orders at one price on one side: a FIFO (time priority) as an
 * intrusive doubly linked list, so appending, filling the head and cancelling
 * from the middle are O(1). A level object lives as long as its page of the book
 * side and is reused whenever its price fills again.
 */
export class PriceLevel {
  /** Lots resting at this price. */
  total = 0;
  count = 0;
  head: Order | null = null;
  tail: Order | null = null;
  /** Sequence of the last command that recorded this level in a depth diff. */
  changedAt = 0;

  constructor(
    readonly price: number,
    readonly isBid: boolean,
  ) {}

  append(order: Order): void {
    order.level = this;
    order.prev = this.tail;
    order.next = null;
    if (this.tail === null) this.head = order;
    else this.tail.next = order;
    this.tail = order;
    this.total += order.remaining;
    this.count++;
  }

  /** Unlinks an order; its remaining lots leave the level total. */
  remove(order: Order): void {
    if (order.prev === null) this.head = order.next;
    else order.prev.next = order.next;
    if (order.next === null) this.tail = order.prev;
    else order.next.prev = order.prev;
    order.prev = null;
    order.next = null;
    order.level = null;
    this.total -= order.remaining;
    this.count--;
  }
}
