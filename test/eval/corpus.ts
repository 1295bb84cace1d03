import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** One complaint of the intake evaluation corpus (test/fixtures/intake-corpus/README.md). */
const recordSchema = z.object({
  id: z.string().regex(/^(en|zh|tw)-\d{3}$/),
  locale: z.enum(['en', 'zh-CN', 'zh-TW']),
  messages: z.array(z.string().min(1)).min(1).max(3),
  category: z.enum(['product_quality', 'service_attitude', 'price_billing', 'delivery_installation', 'after_sales_repair', 'other']),
  severity: z.enum(['general', 'major']),
  fields: z.object({
    phone: z.string().regex(/^\+\d{8,15}$/).optional(),
    email: z.string().regex(/^[^A-Z\s()[\]<>]+@[^A-Z\s()[\]<>]+$/).optional(),
    orderRef: z.string().regex(/^[A-Z0-9][A-Z0-9-]*$/).optional(),
    name: z.string().optional(),
    /** The words as written, and the calendar day they mean at the evaluation clock (null when vague). */
    when: z.object({ text: z.string(), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable() }).optional(),
  }),
  answers: z.object({
    consent: z.string(),
    /** The category this customer taps when shown category buttons. */
    category: z.string(),
    orderRef: z.string(),
    evidence: z.string(),
    resolution: z.object({ text: z.string(), value: z.string() }),
    name: z.string(),
    contact: z.string(),
    whenWhere: z.string(),
    confirm: z.string(),
  }),
});

export type CorpusRecord = z.infer<typeof recordSchema>;
export type Split = 'tune' | 'held-out';

export const CORPUS_DIR = 'test/fixtures/intake-corpus';
export const SPLITS: readonly Split[] = ['tune', 'held-out'];

export function loadSplit(split: Split, dir = CORPUS_DIR): CorpusRecord[] {
  return z.array(recordSchema).parse(JSON.parse(readFileSync(`${dir}/${split}.json`, 'utf8')));
}
