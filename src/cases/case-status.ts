/** Case statuses after which a case is finished; anything else is still open. */
export const FINAL_STATUSES = ['resolved', 'closed'] as const;
