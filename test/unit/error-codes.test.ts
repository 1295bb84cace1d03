import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, InboundOverloaded, PolicyError, serializeError } from '../../src/errors.ts';

const codes = new Set<string>(Object.values(ErrorCode));
const root = new URL('../../', import.meta.url);
const sources = execFileSync('git', ['ls-files', 'src/*.ts', 'adapters/*.ts'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);

describe('error codes', () => {
  it('are one list in one naming style', () => {
    for (const code of codes) expect(code).toMatch(/^[a-z]+(?:_[a-z]+)*$/);
  });

  it('cover every code an HTTP answer gives or an error class carries', () => {
    // HTTP answers are built by errorBody(code: ErrorCode, …) and error classes type their code as ErrorCode,
    // so the compiler holds the codes to the list; what is left to check is that nothing builds a body by hand.
    const byHand: string[] = [];
    let built = 0;
    for (const file of sources.filter((f) => f !== 'src/errors.ts')) {
      const text = readFileSync(new URL(file, root), 'utf8');
      if (/\berror: \{ code\b|readonly code = '/.test(text)) byHand.push(file);
      built += text.match(/errorBody\(/g)?.length ?? 0;
    }
    expect(byHand).toEqual([]);
    expect(built).toBeGreaterThan(20);
  });
});

describe('the err serializer', () => {
  it('gives type, code and status, never a stack', () => {
    const error = Object.assign(new TypeError('socket hang up'), { code: 'ECONNRESET', status: 502 });
    expect(serializeError(error)).toEqual({ type: 'TypeError', code: 'ECONNRESET', status: 502, message: 'socket hang up' });
    expect(serializeError(new InboundOverloaded(2))).toMatchObject({ type: 'InboundOverloaded', code: 'overloaded', status: 503 });
    expect(serializeError(new PolicyError('policy: x'))).toMatchObject({ type: 'PolicyError', code: 'policy_invalid' });
    expect(JSON.stringify(serializeError(new Error('boom')))).not.toContain('at ');
  });

  it('strips credentials and contact details from messages, and cuts them', () => {
    const message = serializeError(
      new Error('request to https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawXyz/getFile?file_id=abc failed: Bearer eyJhbGciOi.eyJzdWIi.sig for ann@example.com, +44 7700 900123'),
    ).message!;
    expect(message).not.toMatch(/AAHdq|eyJ|Bearer|ann@|7700|file_id=abc/);
    expect(serializeError(new Error('x'.repeat(1000))).message!.length).toBeLessThanOrEqual(200);
  });

  it('takes what is not an Error too', () => {
    expect(serializeError('connection ended')).toEqual({ type: 'string', message: 'connection ended' });
    expect(serializeError({ description: 'Bad Request: chat not found', code: 400 })).toEqual({ type: 'Object', code: 400, message: 'Bad Request: chat not found' });
  });
});
