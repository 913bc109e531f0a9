/** How a strategy ended the response: the status and headers it set. */
export interface PassportAnswer {
  statusCode: number;
  headers: Record<string, string>;
}

/**
 * What Passport and its strategies call on a response, for Fastify. Passport was written for
 * Connect: a redirect (to a provider) sets the status and `Location` and ends the response, and
 * never reaches the guard's callback. The adapter takes that answer down instead of sending it, so
 * that the guard can keep the flow first and the handler answers as every page does.
 */
export class PassportResponse {
  statusCode = 200;
  private readonly headers: Record<string, string> = {};
  private settle: (answer: PassportAnswer) => void = () => undefined;
  /** Settles when the strategy ends the response. */
  readonly ended = new Promise<PassportAnswer>((resolve) => (this.settle = resolve));

  setHeader(name: string, value: unknown): void {
    this.headers[name.toLowerCase()] = String(value);
  }

  redirect(url: string, status = 302): void {
    this.statusCode = status;
    this.setHeader('location', url);
    this.end();
  }

  end(): void {
    this.settle({ statusCode: this.statusCode, headers: { ...this.headers } });
  }
}
