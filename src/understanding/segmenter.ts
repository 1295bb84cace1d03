/**
 * One shared Chinese word segmenter: ICU's dictionary-based word breaker
 * (Intl.Segmenter), built into Node. It was @node-rs/jieba, whose
 * dictionary cost ~55 MB and ~0.4 s to load per process; ICU's data is
 * already loaded. `cut` keeps jieba's shape: the words, in order, whose
 * lengths add up to the text's.
 */
export interface Segmenter {
  cut(text: string, hmm?: boolean): string[];
}

let shared: Segmenter | undefined;

export function segmenter(): Segmenter {
  if (!shared) {
    const words = new Intl.Segmenter('zh', { granularity: 'word' });
    shared = { cut: (text) => Array.from(words.segment(text), (s) => s.segment) };
  }
  return shared;
}

export function warmUpSegmenter(): void {
  segmenter().cut('预热');
}
