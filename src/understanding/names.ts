import { hasHan } from './normalise.ts';
import { prepareText } from './prepare.ts';
import { segmenter } from './segmenter.ts';

/**
 * The customer's name from how people introduce themselves: "我姓王", "我叫李明",
 * "this is Dave", "Dave here", "my name is …". Only these introductions count
 * in a story, so "I will sue you" names nobody. A surname alone ("我姓王") is
 * returned as the surname; the engine adds 先生/女士 if it wants a salutation.
 */
export interface NameReading {
  name: string;
  /** True for "我姓王": only the family name is known. */
  surnameOnly: boolean;
}

const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '东方', '慕容', '司徒', '夏侯', '皇甫', '令狐', '尉迟', '公孙', '长孙', '宇文', '轩辕', '端木', '独孤', '南宫', '西门', '呼延', '澹台', '申屠'];
/** Common family names: "我是X" introduces a name only when X starts with one ("我是顾客" does not). */
const SURNAMES = new Set(
  [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝'],
);
const HONORIFICS = /(先生|女士|小姐|太太|阿姨|师傅|老师)$/u;

const CHINESE_TRIGGERS: Array<{ pattern: RegExp; needsSurname: boolean }> = [
  { pattern: /(?:叫我|可以叫我|称呼我|我叫|(?:^|[,，\s])叫|我的名字(?:是|叫)|我名字(?:是|叫)|名字(?:是|叫)|姓名(?:是|:)?|名字:|联系人(?:是|:)?|称呼)\s*/gu, needsSurname: false },
  { pattern: /(?:我是|本人是?|这里是|这边是)\s*/gu, needsSurname: true },
];
const CHINESE_SURNAME = /(?:我|本人|免贵)?姓\s*(\p{Script=Han}{1,2})/u;

/** "my name is" is followed by a name in any case; after "this is" / "I'm" only a capitalised word is one. */
const ENGLISH_NAMED = /\b(?:my name(?:'s| is)|name\s*:)\s*/giu;
const ENGLISH_CAPITALISED = /\b(?:call me|this is|i am|i'm)\s+/giu;
const ENGLISH_HERE = /(?:^|[.!?,;]\s*|\b(?:hi|hello|hey),?\s+)(\p{Lu}[\p{L}'-]+(?:\s+\p{Lu}[\p{L}'-]+)?)\s+here\b/u;

/** Words that follow "this is" / "I'm" but are not names; a name is also capitalised (or the whole answer). */
const NOT_NAMES = new Set(
  `a an the this that it its not no yes so very really just still again also too quite totally absolutely the second third first last only
  about after already always am and any are as at be because been before being but by can could did do does done for from get got had has
  have having he her here him his how i if in into is just me more most my never now of off on once one or our out over please she should
  some such than that's their them then there they to today tomorrow unacceptable ridiculous terrible awful disgusting outrageous sorry
  angry upset furious disappointed frustrated annoyed happy sad writing calling contacting complaining reaching trying going waiting asking
  still your you we what when where which who why will with would yesterday customer client buyer user member manager staff owner going
  gonna wanna about regarding concerning re sure fine ok okay good bad great well sick tired done shocked surprised worried afraid scared
  appalled dissatisfied unhappy pissed mad here there hoping looking sending following`.split(/\s+/u),
);

const NOT_CHINESE_NAMES = new Set(['顾客', '客户', '用户', '会员', '老客户', '消费者', '买家', '业主', '本人', '你们', '我们', '他们']);

export function readNameDetail(text: string): NameReading | undefined {
  const source = prepareText(text);
  if (hasHan(source)) {
    for (const trigger of CHINESE_TRIGGERS) {
      for (const match of source.matchAll(trigger.pattern)) {
        const at = match.index + match[0].length;
        const name = chineseNameAt(source.slice(at), trigger.needsSurname);
        if (name) return { name: asWritten(text, source, at, name), surnameOnly: false };
      }
    }
    const surname = CHINESE_SURNAME.exec(source);
    if (surname) {
      const chars = surname[1]!;
      const family = COMPOUND_SURNAMES.includes(chars) ? chars : chars[0]!;
      const at = surname.index + surname[0].length - chars.length;
      if (SURNAMES.has(family) || COMPOUND_SURNAMES.includes(family)) return { name: asWritten(text, source, at, family), surnameOnly: true };
    }
  }
  const latin = source.replace(/[‘’]/gu, "'");
  for (const [trigger, needsCapital] of [[ENGLISH_NAMED, false], [ENGLISH_CAPITALISED, true]] as const) {
    for (const match of latin.matchAll(trigger)) {
      const name = englishNameAt(latin.slice(match.index + match[0].length), needsCapital);
      if (name) return { name, surnameOnly: false };
    }
  }
  const here = ENGLISH_HERE.exec(latin);
  if (here) {
    const words = here[1]!.split(/\s+/u);
    if (!words.some((word) => NOT_NAMES.has(word.toLowerCase()))) return { name: words.join(' '), surnameOnly: false };
  }
  return undefined;
}

export function readName(text: string): string | undefined {
  return readNameDetail(text)?.name;
}

/**
 * The name given as an answer to "how should we address you?": an
 * introduction as above, or a whole answer that is only a name ("李明",
 * "dave smith"). Sentences, digits and answers like "不用了" are not names.
 */
export function readNameAnswer(text: string): string | undefined {
  const introduced = readName(text);
  if (introduced) return introduced;
  const answer = prepareText(text).replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
  if (/^\p{Script=Han}{2,5}$/u.test(answer)) {
    const base = answer.replace(HONORIFICS, '');
    const starts = COMPOUND_SURNAMES.some((s) => base.startsWith(s)) || SURNAMES.has(base[0] ?? '');
    const written = text.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
    return starts && base.length >= 1 && base.length <= 4 && !NOT_CHINESE_NAMES.has(base) ? (written.length === answer.length ? written : answer) : undefined;
  }
  const words = answer.split(/\s+/u);
  if (words.length > 3 || !words.every((word) => /^\p{L}[\p{L}'-]*$/u.test(word) && !hasHan(word))) return undefined;
  if (words.some((word) => NOT_NAMES.has(word.toLowerCase()))) return undefined;
  return words.map(capitalise).join(' ');
}

/** A name is kept in the customer's script: "陳大文" stays Traditional (matching ran on the Simplified fold). */
function asWritten(text: string, source: string, at: number, name: string): string {
  return text.length === source.length ? text.slice(at, at + name.length) : name;
}

/** Characters that end a name rather than continue it: particles and the words that follow a name in a sentence. */
const NAME_STOPS = new Set([...'啊呀吧呢哦哈的了就是在要和跟与说也都很今明昨电手先女太小']);

function chineseNameAt(rest: string, needsSurname: boolean): string | undefined {
  const run = /^\p{Script=Han}{1,8}/u.exec(rest)?.[0];
  if (!run) return undefined;
  // "小陈", "老王": the segmenter may glue the family name to what follows ("小 / 陈就行").
  const familiar = /^[小老阿](\p{Script=Han})/u.exec(run);
  if (familiar && SURNAMES.has(familiar[1]!)) return familiar[0];
  const words = segmenter().cut(run, true);
  const first = words[0] ?? '';
  let name = first;
  // "欧阳娜娜" and "王 + 小明" are cut in two: a family name with a short given name after it.
  const familyFirst = COMPOUND_SURNAMES.includes(first) || (first.length === 1 && SURNAMES.has(first));
  if (familyFirst && words[1] && words[1].length <= 2 && /^\p{Script=Han}+$/u.test(words[1]) && !NOT_CHINESE_NAMES.has(words[1])) {
    name = first + words[1];
    // The word breaker cuts a given name it does not know into single characters ("陳/大/文"): a second one belongs to it unless it is a particle.
    const next = words[2];
    if (words[1].length === 1 && next?.length === 1 && /^\p{Script=Han}$/u.test(next) && !NAME_STOPS.has(next)) name += next;
  }
  if (name.length < 2 || name.length > 5 || NOT_CHINESE_NAMES.has(name)) return undefined;
  const family = COMPOUND_SURNAMES.find((s) => name.startsWith(s)) ?? name[0]!;
  const isFamiliar = /^[小老阿]/u.test(name);
  if (needsSurname && !SURNAMES.has(family) && !COMPOUND_SURNAMES.includes(family) && !isFamiliar) return undefined;
  return name;
}

function englishNameAt(rest: string, needsCapital: boolean): string | undefined {
  const words = rest.split(/[\s,.;:!?()，。]+/u);
  const taken: string[] = [];
  for (const word of words) {
    if (!/^\p{L}[\p{L}'-]*$/u.test(word) || NOT_NAMES.has(word.toLowerCase())) break;
    if (hasHan(word)) return word.length >= 2 && word.length <= 4 ? word : undefined;
    const capitalised = /^\p{Lu}/u.test(word);
    if (needsCapital && !capitalised) break;
    if (taken.length > 0 && !capitalised && /\p{Lu}/u.test(rest)) break;
    taken.push(word);
    if (taken.length === 3) break;
  }
  if (taken.length === 0) return undefined;
  return taken.map(capitalise).join(' ');
}

function capitalise(word: string): string {
  return word === word.toLowerCase() ? word[0]!.toUpperCase() + word.slice(1) : word;
}
