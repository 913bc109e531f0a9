import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Decisions on applications and what follows from them: a paid fee that is due back (a rejection,
 * a withdrawal) is recorded on its payment, with whether the payment service paid it back or the
 * office must; the sandbox keeps the refunds it made; the citizen writes into the mailbox (a reply
 * to a request for information).
 */
export class Decisions1795305600015 implements MigrationInterface {
  name = 'Decisions1795305600015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table public.payments
        add column refund_status text check (refund_status in ('due', 'refunded')),
        add column refund_cents integer check (refund_cents > 0),
        add column refund_reason text,
        add column refund_note text,
        add column refund_due_at timestamptz,
        add column refunded_at timestamptz`);
    // The office's list of refunds it still has to pay out.
    await q.query(`
      create index payments_refund_due on public.payments (tenant_id, refund_due_at)
        where refund_status = 'due'`);
    await q.query(`
      alter table public.payment_sandbox_transactions
        add column refunded_cents integer check (refunded_cents > 0),
        add column refunded_at timestamptz`);
    await q.query(`alter table public.mailbox_messages drop constraint if exists mailbox_messages_sender_check`);
    await q.query(`
      alter table public.mailbox_messages
        add constraint mailbox_messages_sender_check check (sender in ('system', 'staff', 'citizen'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`delete from public.mailbox_messages where sender = 'citizen'`);
    await q.query(`alter table public.mailbox_messages drop constraint if exists mailbox_messages_sender_check`);
    await q.query(`
      alter table public.mailbox_messages
        add constraint mailbox_messages_sender_check check (sender in ('system', 'staff'))`);
    await q.query(`
      alter table public.payment_sandbox_transactions drop column refunded_cents, drop column refunded_at`);
    await q.query(`drop index public.payments_refund_due`);
    await q.query(`
      alter table public.payments
        drop column refund_status, drop column refund_cents, drop column refund_reason,
        drop column refund_note, drop column refund_due_at, drop column refunded_at`);
  }
}
