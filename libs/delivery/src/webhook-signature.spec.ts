import { createHmac } from 'node:crypto';
import { WebhookReplayGuard, newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures (Standard Webhooks)', () => {
  const secret = newWebhookSecret();
  const now = new Date('2026-12-07T10:00:00Z');
  const stamp = Math.floor(now.getTime() / 1000);
  const body = JSON.stringify({ type: 'application.submitted', data: { number: 'RE-2026-000001' } });

  it('signs `id.timestamp.body` with HMAC-SHA256 under the base64 bytes of the whsec_ secret', () => {
    const headers = signWebhook([secret], 'msg_1', stamp, body);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`msg_1.${stamp}.${body}`).digest('base64');
    expect(headers).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(stamp),
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('matches the specification’s published example', () => {
    // From the Standard Webhooks specification's reference: secret, id, timestamp, payload and signature.
    const headers = signWebhook(
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('accepts a message signed with either secret while they rotate', () => {
    const old = newWebhookSecret();
    const headers = signWebhook([secret, old], 'msg_2', stamp, body);
    expect(verifyWebhook({ secrets: [old], headers, body, now })).toEqual({ ok: true, id: 'msg_2' });
    expect(verifyWebhook({ secrets: [secret], headers, body, now })).toEqual({ ok: true, id: 'msg_2' });
  });

  it('refuses a forged signature, a changed body, another id and a foreign secret', () => {
    const headers = signWebhook([secret], 'msg_3', stamp, body);
    const refused = (h: Record<string, string>, b = body, s = [secret]) =>
      verifyWebhook({ secrets: s, headers: h, body: b, now });
    expect(refused({ ...headers, 'webhook-signature': 'v1,AAAA' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(refused(headers, body.replace('000001', '000002'))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(refused({ ...headers, 'webhook-id': 'msg_4' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(refused(headers, body, [newWebhookSecret()])).toEqual({ ok: false, reason: 'bad_signature' });
    expect(refused({ ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a message without its headers, with a timestamp that is not a number, too old or too new', () => {
    const headers = signWebhook([secret], 'msg_5', stamp, body);
    const check = (h: Record<string, string | undefined>) =>
      verifyWebhook({ secrets: [secret], headers: h, body, now });
    expect(check({ ...headers, 'webhook-id': undefined })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(check({ ...headers, 'webhook-timestamp': '1e9' })).toEqual({ ok: false, reason: 'bad_timestamp' });
    const old = signWebhook([secret], 'msg_5', stamp - 301, body);
    expect(check(old)).toEqual({ ok: false, reason: 'too_old' });
    const future = signWebhook([secret], 'msg_5', stamp + 301, body);
    expect(check(future)).toEqual({ ok: false, reason: 'too_new' });
  });

  it('refuses a replayed message with a replay guard, and forgets ids once they are too old to be replayed', () => {
    const replays = new WebhookReplayGuard();
    const headers = signWebhook([secret], 'msg_6', stamp, body);
    expect(verifyWebhook({ secrets: [secret], headers, body, now, replays })).toEqual({ ok: true, id: 'msg_6' });
    expect(verifyWebhook({ secrets: [secret], headers, body, now, replays })).toEqual({
      ok: false,
      reason: 'replayed',
    });
    // Past the tolerance the timestamp check refuses it; the guard need not remember it any more.
    const later = new Date(now.getTime() + 301_000);
    expect(verifyWebhook({ secrets: [secret], headers, body, now: later, replays })).toEqual({
      ok: false,
      reason: 'too_old',
    });
  });
});
