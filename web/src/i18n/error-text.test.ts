// One error type, one text per code: every code (the server's and the client's) has words; only the
// codes a user should never meet read as the plain fault; a server's English never comes through.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/protocol';
import { CLIENT_ERROR_CODES, ParleyError } from '../net/parley-error';
import { errorText } from './error-text';

const FAULT = errorText(new Error('anything'));
/** Codes that mean this app itself got a frame wrong, or the server failed: no words would help. */
const FAULTS = new Set(['bad_frame', 'unknown_type', 'auth_required', 'already_authenticated', 'internal']);

describe('errorText', () => {
  it('has its own words for every code a user can meet, server’s and client’s', () => {
    for (const code of [...ErrorCode.options, ...CLIENT_ERROR_CODES]) {
      const text = errorText(new ParleyError(code));
      expect(text, code).toBeTruthy();
      if (FAULTS.has(code)) expect(text, code).toBe(FAULT);
      else expect(text, code).not.toBe(FAULT);
      expect(errorText(code), `${code} as a stored code`).toBe(text);
    }
  });

  it('never shows a server’s message, and reads anything that is not a ParleyError (or an unknown code) as a fault', () => {
    const refused = ParleyError.fromFrame({ t: 'error', code: 'queue_full', message: 'ENGLISH FOR DEVELOPERS', ref: 'x' });
    expect(errorText(refused)).not.toContain('ENGLISH');
    expect(refused.message).not.toContain('ENGLISH');
    expect(errorText(new TypeError('x is undefined'))).toBe(FAULT);
    expect(errorText('a_code_from_a_newer_server')).toBe(FAULT);
    expect(errorText(undefined)).toBe(FAULT);
  });

  it('fills in what a code’s text names', () => {
    expect(errorText(new ParleyError('unknown_user', { peer: 'zed' }))).toContain('zed');
    const tooLarge = errorText(new ParleyError('offline_file_too_large', { peer: 'bob', limit: 1024 * 1024, names: ['a.bin', 'b.bin'] }));
    expect(tooLarge).toContain('bob is offline');
    expect(tooLarge).toContain('1.0 MB');
    expect(tooLarge).toContain('a.bin and b.bin'); // Intl.ListFormat of the UI's locale
  });
});
