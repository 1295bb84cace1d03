import { describe, expect, it } from 'vitest';
import { loadClassifyRules } from '../../src/understanding/classify-rules.ts';
import { findSeriousness } from '../../src/understanding/severity-rules.ts';

const rules = loadClassifyRules('prompts');
const rulesOf = (text: string) => findSeriousness(text, rules).map((s) => s.rule);
const reasonsOf = (text: string) => findSeriousness(text, rules).map((s) => `${s.rule}: ${s.words}`);

describe('severity phrase rules: what the text alone missed', () => {
  it('finds injuries with a modifier, keeping the modifier in the words', () => {
    expect(reasonsOf('孩子轻微烫伤了')).toContain('injury: 轻微烫伤');
    expect(reasonsOf('I was slightly hurt when it tipped over')).toContain('injury: slightly hurt');
    expect(rulesOf('My daughter got burned by the kettle')).toContain('injury');
  });

  it('finds medical care in both languages', () => {
    expect(rulesOf('去了急诊缝了三针')).toContain('medical');
    expect(rulesOf('we spent the night in hospital')).toContain('medical');
    expect(rulesOf('had to go to A&E')).toEqual(expect.arrayContaining(['medical']));
    expect(rulesOf('took him to the clinic')).toContain('medical');
    expect(rulesOf('孩子在诊所包扎了')).toContain('medical');
  });

  it('finds fire, smoke, sparks, electric shock and explosions', () => {
    expect(rulesOf('插上电就触电了')).toContain('fire_electric');
    expect(rulesOf('充电器冒烟了')).toContain('fire_electric');
    expect(rulesOf('插座冒火花')).toContain('fire_electric');
    expect(rulesOf('the socket was sparking and there was smoke')).toContain('fire_electric');
    expect(rulesOf('I got an electric shock from the washing machine')).toContain('fire_electric');
    expect(rulesOf('the battery exploded')).toContain('fire_electric');
  });

  it('finds a repair that failed again', () => {
    expect(rulesOf('这是第二次返修了')).toContain('repeat_repair');
    expect(rulesOf('修了两次还是坏')).toContain('repeat_repair');
    expect(rulesOf('It was fixed twice and still broken')).toContain('repeat_repair');
    expect(rulesOf('the replacement of the replacement is faulty too')).toContain('repeat_repair');
    expect(rulesOf('电视机第三次送修了')).toContain('repeat_repair');
  });

  it('does not call a single failed repair repeated', () => {
    expect(rulesOf('they repaired it and it broke again')).not.toContain('repeat_repair');
    expect(rulesOf('修完第二天又坏了')).not.toContain('repeat_repair');
  });

  it('finds newspapers, regulators and social media', () => {
    expect(rulesOf('我已经联系了记者')).toContain('media');
    expect(rulesOf('我要发微博')).toContain('media');
    expect(rulesOf('再不处理我就发抖音曝光你们')).toContain('media');
    expect(rulesOf('我要打12315')).toContain('regulator');
    expect(rulesOf('我会去消协投诉')).toContain('regulator');
    expect(rulesOf('我要向市场监管局举报')).toContain('regulator');
    expect(rulesOf('I will report you to trading standards')).toContain('regulator');
    expect(rulesOf('I am filing with the BBB')).toContain('regulator');
    expect(rulesOf('a journalist friend will hear about this')).toContain('media');
    expect(rulesOf('I will go to the newspaper')).toContain('media');
    expect(rulesOf('I will post this on TikTok until it goes viral')).toContain('media');
    expect(rulesOf('this is going viral, believe me')).toContain('media');
    expect(rulesOf('我会发小红书让大家都看看')).toContain('media');
    expect(rulesOf('我要在小紅書上曝光你們')).toContain('media');
  });

  it('finds legal action, children and the elderly harmed, bar food safety', () => {
    expect(rulesOf('I have spoken to my lawyer')).toContain('legal');
    expect(rulesOf('I will sue your company')).toContain('legal');
    expect(rulesOf('我要起诉你们')).toContain('legal');
    expect(rulesOf('我家孩子被烫伤了')).toContain('vulnerable');
    expect(rulesOf('老人在门口摔倒了')).toContain('vulnerable');
    expect(rulesOf('my toddler was burned by the heater')).toContain('vulnerable');
    expect(rulesOf('在你们KTV喝了假酒')).toContain('food_safety');
    expect(rulesOf('after the drinks we all had food poisoning')).toContain('food_safety');
  });

  it('names the rule and its vocabulary only, never other words of the customer that stood in a gap', () => {
    expect(reasonsOf('my son Tom got hurt by the fan')).toContain('vulnerable: my son … hurt');
    expect(reasonsOf('孩子小明被烫了')).toContain('vulnerable: 孩子…烫');
    expect(reasonsOf('my son Tom got hurt').join()).not.toContain('tom');
    expect(reasonsOf('fixed twice and still broken')).toEqual(['repeat_repair: fixed twice']);
  });

  it('finds near accidents, allergic reactions and technicians who keep coming back', () => {
    expect(rulesOf('The e-bike brakes failed going downhill and I crashed into a car')).toContain('safety');
    expect(rulesOf('電動車騎到一半突然斷電，差點被後面的車撞到')).toContain('safety');
    expect(rulesOf('昨晚在你们酒吧喝完酒全身起红疹')).toContain('food_safety');
    expect(rulesOf('Third time the technician came and the dishwasher still leaks')).toContain('repeat_repair');
  });

  it('reads Traditional Chinese with the Simplified rules', () => {
    expect(reasonsOf('孩子輕微燙傷了')).toContain('injury: 轻微烫伤');
    expect(rulesOf('插座觸電')).toContain('fire_electric');
    expect(rulesOf('我要找記者')).toContain('media');
    expect(rulesOf('已經去醫院急診')).toContain('medical');
    expect(rulesOf('第二次返修還是壞')).toContain('repeat_repair');
  });
});

describe('severity phrase rules: what they must not flag', () => {
  it('respects negation in both languages', () => {
    expect(findSeriousness('no one was injured', rules)).toEqual([]);
    expect(findSeriousness('Nobody was hurt, luckily', rules)).toEqual([]);
    expect(findSeriousness("thankfully I wasn't hurt", rules)).toEqual([]);
    expect(findSeriousness('没有人受伤', rules)).toEqual([]);
    expect(findSeriousness('人没受伤', rules)).toEqual([]);
    expect(findSeriousness('幸好没烫伤', rules)).toEqual([]);
    expect(findSeriousness('幸好沒有人受傷', rules)).toEqual([]);
    expect(findSeriousness('nobody was hurt or burned', rules)).toEqual([]);
    expect(findSeriousness('without any injuries', rules)).toEqual([]);
  });

  it('denies only the clause it is in', () => {
    expect(rulesOf('没有人受伤，但是冒烟了')).toEqual(['fire_electric']);
    expect(rulesOf('nobody answered my calls and my son got hurt')).toContain('injury');
    expect(rulesOf('不小心被烫伤了')).toContain('injury');
    expect(rulesOf('there was no warning before it caught fire')).toContain('fire_electric');
    expect(rulesOf('not only smoke but sparks too')).toContain('fire_electric');
    expect(rulesOf('没想到被烫伤了')).toContain('injury');
    expect(rulesOf('没过几天又坏了，这是第三次维修')).toContain('repeat_repair');
  });

  it('matches English on word boundaries and phrases, not bare words', () => {
    expect(findSeriousness('my media player broke', rules)).toEqual([]);
    expect(findSeriousness('Sue from the shop said she would call back', rules)).toEqual([]);
    expect(findSeriousness('I was fired up about the chocolate', rules)).toEqual([]);
    expect(findSeriousness('please press the button again', rules)).toEqual([]);
    expect(findSeriousness('the smoke detector beeps at night', rules)).toEqual([]);
    expect(findSeriousness('the driver was smoking in the van', rules)).toEqual([]);
    expect(findSeriousness('I could not pay my hospital bill on time because you charged me twice', rules)).toEqual([]);
    expect(findSeriousness('my Fire Stick remote is broken', rules)).toEqual([]);
  });

  it('uses word boundaries from the segmenter where Chinese substrings mislead', () => {
    expect(findSeriousness('我们一起火锅，结果账单多收了', rules)).toEqual([]);
    expect(findSeriousness('烟雾报警器坏了', rules)).toEqual([]);
    expect(findSeriousness('多媒体播放器坏了', rules)).toEqual([]);
    expect(findSeriousness('在抖音上买的耳机坏了', rules)).toEqual([]);
  });
});

describe('severity phrase rules: ordinary complaints that only look alarming', () => {
  it('does not flag device words, shopping channels or evidence', () => {
    for (const text of [
      'the handle fell off after a week',
      'the breaker tripped when I turned it on',
      'what a painful experience, and the staff were stingy with the ice',
      '我是在直播间买的，拍视频给客服看了也不理',
      '在快手上买的充电宝，充不进电',
      '保修过期了就不给修',
      '优惠券过期了不能用',
      '价格是1950元，比标价贵',
      '在公众号下单的',
    ]) expect(findSeriousness(text, rules), text).toEqual([]);
  });
});
