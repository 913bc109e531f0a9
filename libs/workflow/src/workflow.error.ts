import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum WorkflowErrorCode {
  AlreadySubmitted = 'workflow.already_submitted',
  InvalidTransition = 'workflow.invalid_transition',
  LevelRequired = 'workflow.level_required',
  NoPaymentDue = 'workflow.no_payment_due',
  InvalidAnswers = 'workflow.invalid_answers',
}

const kinds: Record<WorkflowErrorCode, ErrorKind> = {
  [WorkflowErrorCode.AlreadySubmitted]: 'conflict',
  [WorkflowErrorCode.InvalidTransition]: 'conflict',
  [WorkflowErrorCode.LevelRequired]: 'forbidden',
  [WorkflowErrorCode.NoPaymentDue]: 'conflict',
  [WorkflowErrorCode.InvalidAnswers]: 'unprocessable',
};

export class WorkflowError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: WorkflowErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}
