/**
 * Cost of reading a complaint: loading prompts/<locale>/classify.json, the
 * first segmentation (ICU's word breaker), and µs per call of
 * findSeriousness and scoreCategories on 200-character texts.
 * Run: npx tsx bench/classify-rules.ts
 */
import { performance } from 'node:perf_hooks';
import { scoreCategories } from '../src/understanding/category.ts';
import { loadClassifyRules } from '../src/understanding/classify-rules.ts';
import { findSeriousness } from '../src/understanding/severity-rules.ts';

const categories = ['product_quality', 'service_attitude', 'price_billing', 'delivery_installation', 'after_sales_repair', 'other'];
const mb = () => process.memoryUsage().rss / 1e6;

let start = performance.now();
const rssBefore = mb();
const rules = loadClassifyRules('prompts');
console.log(`load rules: ${(performance.now() - start).toFixed(1)} ms, rss +${(mb() - rssBefore).toFixed(1)} MB`);

start = performance.now();
const rssSegmenter = mb();
findSeriousness('我们一起火锅', rules); // 起火 is whole-words-only: the first segmentation
console.log(`first segmentation: ${(performance.now() - start).toFixed(1)} ms, rss +${(mb() - rssSegmenter).toFixed(1)} MB`);

const en = 'Hi, I bought a heater from your shop last Friday. Yesterday evening it started making a loud noise and then it smelled of burning. My son was slightly hurt when he touched it. The installer was rude about it and nobody answers my emails.'.slice(0, 200);
const zh = '你好，我上周五在你们店买的电暖器，昨晚用的时候突然冒烟，还有一股焦味，我家孩子手被轻微烫伤了，已经去诊所看过。打电话给客服，态度很差，说要等维修师傅上门。这已经是第二次返修了，再不处理我就打12315投诉，也会发微博曝光你们。订单号202611150034，电话13800138000，我姓王，谢谢你们尽快处理这个问题好吗，真的很着急，孩子现在还在哭，我们全家都很担心这个问题会再次发生。'.slice(0, 200);
for (const [name, text] of [['en', en], ['zh-CN', zh], ['zh-TW', zh.replace(/电暖器/g, '電暖器').replace(/烫伤/g, '燙傷')]] as const) {
  for (let i = 0; i < 200; i++) { findSeriousness(text, rules); scoreCategories(text, rules, categories); }
  // A different text every call: nothing cached from the previous one (folding, segmenting).
  const n = 2000;
  const texts = Array.from({ length: n }, (_, i) => `${text.slice(0, 196)}${String(i).padStart(4, '0')}`);
  let t = performance.now();
  for (const variant of texts) findSeriousness(variant, rules);
  const severityUs = ((performance.now() - t) * 1000) / n;
  t = performance.now();
  for (const variant of texts) scoreCategories(`${variant} `, rules, categories);
  const categoryUs = ((performance.now() - t) * 1000) / n;
  t = performance.now();
  for (const variant of texts) { findSeriousness(`${variant}  `, rules); scoreCategories(`${variant}  `, rules, categories); }
  const bothUs = ((performance.now() - t) * 1000) / n;
  console.log(`${name} (${text.length} chars): findSeriousness ${severityUs.toFixed(0)} µs, scoreCategories ${categoryUs.toFixed(0)} µs, both on one text ${bothUs.toFixed(0)} µs`);
}
