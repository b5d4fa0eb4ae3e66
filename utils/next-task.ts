/**
 * Waits for a later task: a zero-delay timer, which runs after the current task and all of its
 * microtasks.
 *
 * Why (issue 15): the background answers a message with `sendResponse` in the microtasks of the task
 * that built the answer. Follow-up work chained onto the same promises (the popup snapshot's write,
 * the toolbar's update) would otherwise run first, and its storage and action calls would queue
 * ahead of the answer on the browser's UI thread, through which every answer passes. Work that no
 * one waits for is deferred with this, so the answer goes out first.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
