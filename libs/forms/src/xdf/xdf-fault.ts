/** Why something is wrong or was changed, for the modeller (English) and the specialist department (German). */
export interface XdfReason {
  en: string;
  de: string;
}

/** A finding about an imported XDatenfelder document: where it is (XML path) and why. */
export interface XdfFault {
  /** Local element names from the root, with a position among same-named siblings: `…/struktur[2]/enthaelt/…`. */
  path: string;
  reason: XdfReason;
}

/**
 * Collects faults (the document cannot be imported) and warnings (it was imported, but something was
 * approximated or left out). One instance lives for one import.
 */
export class Findings {
  readonly faults: XdfFault[] = [];
  readonly warnings: XdfFault[] = [];

  fault(path: string, reason: XdfReason): void {
    this.faults.push({ path, reason });
  }

  warn(path: string, reason: XdfReason): void {
    this.warnings.push({ path, reason });
  }

  get failed(): boolean {
    return this.faults.length > 0;
  }
}
