import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum WorkflowErrorCode {
  AlreadySubmitted = 'workflow.already_submitted',
  InvalidTransition = 'workflow.invalid_transition',
  LevelRequired = 'workflow.level_required',
  NoPaymentDue = 'workflow.no_payment_due',
  InvalidAnswers = 'workflow.invalid_answers',
  UnknownStepKind = 'workflow.unknown_step_kind',
}

const kinds: Record<WorkflowErrorCode, ErrorKind> = {
  [WorkflowErrorCode.AlreadySubmitted]: 'conflict',
  [WorkflowErrorCode.InvalidTransition]: 'conflict',
  [WorkflowErrorCode.LevelRequired]: 'forbidden',
  [WorkflowErrorCode.NoPaymentDue]: 'conflict',
  [WorkflowErrorCode.InvalidAnswers]: 'unprocessable',
  // A definition was checked against the registered kinds when it was stored; one that is not is ours.
  [WorkflowErrorCode.UnknownStepKind]: 'internal',
};

export class WorkflowError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: WorkflowErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}
