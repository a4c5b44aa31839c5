/*
 * The state more than one module reads and writes. Each module keeps the rest of its state to itself
 * (the stream's connection in stream.js, the queue's order in queue.js, the timers where they run).
 */

/** Statuses that take a task out of the queue; a panel still shows such a task until it is closed. */
export const CLOSED = new Set(['RESOLVED', 'DISMISSED']);

export const state = {
  /** { token, expiresAt, username, role } while signed in, else null. */
  session: null,
  /** The open tasks by id, as the stream (or the fallback list) last told. */
  tasks: new Map(),
  /** The queue's selected task, the one Enter opens and c claims. */
  selectedId: null,
  /** TaskPanel by task id, in the order they were opened (left to right). */
  panels: new Map(),
  /** The panel last focused: Esc closes it even when the focus has left every panel. */
  lastPanel: null,
};
