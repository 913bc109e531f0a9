/**
 * One FIT-Connect destination as a tenant configures it: where the Submission API and its token
 * end point are, the sender client's credentials (from the FIT-Connect self-service portal), the
 * destination (Zustellpunkt) of the office's specialist software, and the CA certificate that the
 * destination's keys must chain up to (the Verwaltungs-PKI's, or a test CA).
 */
export interface FitConnectTarget {
  /** The Submission API's base URL, without `/v1`. */
  submissionUrl: string;
  /** The OAuth 2.0 token end point (client credentials). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** The destination's UUID. */
  destinationId: string;
  /** The trusted CA certificate(s), PEM. */
  trustedCaPem: string;
  /** The LeiKa key of the service; the definition's is used when this is not set. */
  leikaId?: string;
}
