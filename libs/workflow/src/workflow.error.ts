import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum WorkflowErrorCode {
  AlreadySubmitted = 'workflow.already_submitted',
  InvalidTransition = 'workflow.invalid_transition',
  LevelRequired = 'workflow.level_required',
  NoPaymentDue = 'workflow.no_payment_due',
  /** A booking for an application that waits for no appointment (or has one). */
  NoAppointmentDue = 'workflow.no_appointment_due',
  InvalidAnswers = 'workflow.invalid_answers',
  UnknownStepKind = 'workflow.unknown_step_kind',
  /** Another decision stands (or the citizen withdrew): `params.status` names it. */
  AlreadyDecided = 'workflow.already_decided',
  /** The application is not with the office for a decision (a draft, not yet paid). */
  NotInReview = 'workflow.not_in_review',
  InvalidDecision = 'workflow.invalid_decision',
  /** A reply to a request for information while none is open. */
  NoInfoRequested = 'workflow.no_info_requested',
  /** A withdrawal of an application that is decided or was never submitted. */
  NotWithdrawable = 'workflow.not_withdrawable',
}

const kinds: Record<WorkflowErrorCode, ErrorKind> = {
  [WorkflowErrorCode.AlreadySubmitted]: 'conflict',
  [WorkflowErrorCode.InvalidTransition]: 'conflict',
  [WorkflowErrorCode.LevelRequired]: 'forbidden',
  [WorkflowErrorCode.NoPaymentDue]: 'conflict',
  [WorkflowErrorCode.NoAppointmentDue]: 'conflict',
  [WorkflowErrorCode.InvalidAnswers]: 'unprocessable',
  // A definition was checked against the registered kinds when it was stored; one that is not is ours.
  [WorkflowErrorCode.UnknownStepKind]: 'internal',
  [WorkflowErrorCode.AlreadyDecided]: 'conflict',
  [WorkflowErrorCode.NotInReview]: 'conflict',
  [WorkflowErrorCode.InvalidDecision]: 'unprocessable',
  [WorkflowErrorCode.NoInfoRequested]: 'conflict',
  [WorkflowErrorCode.NotWithdrawable]: 'conflict',
};

export class WorkflowError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: WorkflowErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}
