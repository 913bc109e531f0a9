import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { formatMoney } from '@openrathaus/catalog';
import {
  PaymentSandbox,
  PaymentsError,
  PaymentsErrorCode,
  SANDBOX_PATH,
  type WirePaymentTransaction,
} from '@openrathaus/payments';
import { I18n, LOCALES } from '@openrathaus/i18n';
import { ViewEngine } from '@openrathaus/web';
import { PageContext, redirectAfterPost } from '../http/page-context.service';

const CSRF_COOKIE = 'or_sandbox_csrf';
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

const origin = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

const sameToken = (a: string, b: unknown): boolean =>
  typeof b === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The built-in payment sandbox: the XBezahldienste 1.0 REST interface (create a payment
 * transaction, ask its status) and its pay page, where a tester pays, fails or cancels. It answers
 * on every host (the portal reaches it at 127.0.0.1, the payer's browser on the tenant's host) and
 * not at all where the sandbox is switched off (production without PAYMENT_SANDBOX=true).
 */
@ApiExcludeController()
@Controller('_sandbox/xbezahldienste')
export class PaymentSandboxController {
  constructor(
    private readonly sandbox: PaymentSandbox,
    private readonly views: ViewEngine,
    private readonly i18n: I18n,
    private readonly pages: PageContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('paymenttransaction/:originatorId/:endPointId')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  create(
    @Param('originatorId') originatorId: string,
    @Param('endPointId') endPointId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<WirePaymentTransaction> {
    return this.sandbox.create(origin(request), originatorId, endPointId, body);
  }

  @Get('paymenttransaction/:originatorId/:endPointId/:transactionId')
  @Header('cache-control', 'no-store')
  status(
    @Param('originatorId') originatorId: string,
    @Param('endPointId') endPointId: string,
    @Param('transactionId') transactionId: string,
    @Req() request: FastifyRequest,
  ): Promise<WirePaymentTransaction> {
    return this.sandbox.status(origin(request), originatorId, endPointId, transactionId);
  }

  /** Pays a paid transaction back (an extension of the sandbox; XBezahldienste 1.0 has no refund). */
  @Post('paymenttransaction/:originatorId/:endPointId/:transactionId/refund')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  refund(
    @Param('originatorId') originatorId: string,
    @Param('endPointId') endPointId: string,
    @Param('transactionId') transactionId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<WirePaymentTransaction> {
    return this.sandbox.refund(origin(request), originatorId, endPointId, transactionId, body);
  }

  /** The pay page: what is to be paid, and the three outcomes a tester may choose. */
  @Get('pay/:transactionId')
  async payPage(
    @Param('transactionId') transactionId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const tx = await this.sandbox.transaction(transactionId);
    // The sandbox belongs to no tenant; like a payment service, it speaks the language the citizen
    // chose on the portal (the `lang` cookie of the same host), in any of the platform's locales.
    const locale = this.pages.locale(request, reply, undefined, LOCALES);
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    // Double-submit token: the form carries the cookie's value; a form on another site can send
    // neither the SameSite=Strict cookie nor know its value. Kept across reloads and tabs.
    const known = request.cookies[CSRF_COOKIE];
    const token = known && TOKEN.test(known) ? known : randomBytes(24).toString('base64url');
    const path = `${SANDBOX_PATH}pay/${tx.id}`;
    const secure = request.protocol === 'https' || this.config.env === 'production';
    const setCookie = [`${CSRF_COOKIE}=${token}`, `Path=${path}`, 'HttpOnly', 'SameSite=Strict'];
    if (secure) setCookie.push('Secure');
    const open = tx.status === 'INITIAL';
    const html = this.views.render('payment-sandbox', {
      ...this.pages.base(undefined, locale, path, t('payments.sandbox.title')),
      payment: {
        amount: formatMoney(tx.amountCents, locale),
        purpose: tx.purpose,
        reference: tx.items[0]?.reference ?? tx.requestId,
        description: tx.description,
        transactionId: tx.id,
      },
      open,
      paid: tx.status === 'PAYED',
      statusText: t(`payments.sandbox.status.${tx.status}`),
      action: path,
      csrf: token,
      returnUrl: tx.redirectUrl,
    });
    void reply
      .code(200)
      .header('set-cookie', setCookie.join('; '))
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
      );
    return html;
  }

  /** Records the tester's choice and sends the browser back to the portal, as a payment service does. */
  @Post('pay/:transactionId')
  async decide(
    @Param('transactionId') transactionId: string,
    @Body() body: Record<string, unknown> | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<undefined> {
    if (!this.sandbox.enabled) throw new PaymentsError(PaymentsErrorCode.SandboxDisabled);
    const token = request.cookies[CSRF_COOKIE];
    if (!token || !TOKEN.test(token) || !sameToken(token, body?.csrf)) {
      throw new PaymentsError(PaymentsErrorCode.SandboxForbidden);
    }
    const tx = await this.sandbox.decide(transactionId, body?.action);
    return redirectAfterPost(reply, tx.redirectUrl);
  }
}
