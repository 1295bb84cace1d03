/**
 * The default order-number pattern (policy `intake.orderRefPattern`), kept
 * free of imports so the policy schema can use it. Matched case-insensitively
 * on NFKC, Simplified text; group 1 is kept. It accepts:
 * - letters then digits, with suffixes kept whole: XX20261101-88, JD2026111500341, #A123456;
 * - after a label (订单/订单号/单号/order/order no/#), all-digit numbers of 6–20 digits: 订单号：202611150034, order #123456.
 * A bare number without a label is not an order number: it may be a phone, a price or a date.
 */
const LABEL = String.raw`(?:订单编号|订单号码|订单号|订单|单号|order\s*(?:no\.?|number|num|id|ref(?:erence)?)?|#)`;
const LABEL_CONTEXT = String.raw`${LABEL}\s*(?:is|是|为|:)?\s*#?\s*`;
const SUFFIX = String.raw`(?:-[A-Z0-9]{1,10})*`;

// The label is consumed, not looked behind for: a lookbehind tried at every position cost a quarter of a message's reading.
export const DEFAULT_ORDER_REF_PATTERN = String.raw`(?:${LABEL_CONTEXT}|(?<![A-Z0-9@._-])(?=[A-Z]{1,6}-?\d{5}))((?:\d{6,20}|[A-Z]{1,6}-?\d{4,20})${SUFFIX})(?![A-Z0-9@_-]|\.[A-Z0-9])`;

/** Text that ends with an order label: a number right after it is an order number even when it could be a phone. */
export const ENDS_WITH_ORDER_LABEL = new RegExp(`${LABEL_CONTEXT}$`, 'iu');
